//! The BHS folding analyzer: splits a text into words and folds each as the registers'
//! search must see it (lowercase, Latin, no diacritics, dj → d; see `opcina_core::names`).

use opcina_core::names::fold_tokens;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// The name the analyzer is registered under in the index.
pub const BHS: &str = "bhs";

#[derive(Clone, Default)]
pub struct BhsTokenizer {
    tokens: Vec<Token>,
}

pub struct BhsTokenStream<'a> {
    tokens: &'a [Token],
    index: usize,
    current: Token,
}

impl Tokenizer for BhsTokenizer {
    type TokenStream<'a> = BhsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> BhsTokenStream<'a> {
        self.tokens.clear();
        for (position, word) in fold_tokens(text).into_iter().enumerate() {
            self.tokens.push(Token { offset_from: 0, offset_to: text.len(), position, text: word, position_length: 1 });
        }
        BhsTokenStream { tokens: &self.tokens, index: 0, current: Token::default() }
    }
}

impl TokenStream for BhsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        match self.tokens.get(self.index) {
            Some(t) => {
                self.current = t.clone();
                self.index += 1;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_folded_words() {
        let mut t = BhsTokenizer::default();
        let mut stream = t.token_stream("Đorđević-Šehić ЉУБА");
        let mut words = Vec::new();
        while stream.advance() {
            words.push(stream.token().text.clone());
        }
        assert_eq!(words, vec!["dordevic", "sehic", "ljuba"]);
    }
}
