//! E-mail addresses as the node takes them: one address, plausible in shape, nothing that
//! could add a header or another recipient to a message.

/// A plausible address: `local@domain.tld`, at most 254 characters, no white space, no
/// control character, no second `@`, nothing of a display name (`<`, `>`, `"`, `,`, `;`).
pub fn plausible(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.contains('@')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | ',' | ';' | '(' | ')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_plain_address_passes() {
        assert!(plausible("ana.anic@example.ba"));
        assert!(plausible("redakcija+kakanj@radio.example.ba"));
        for bad in [
            "",
            "ana",
            "ana@",
            "@example.ba",
            "ana@example",
            "ana@.example.ba",
            "ana@example.ba.",
            "ana anic@example.ba",
            "ana@example.ba\r\nBcc: all@example.ba",
            "ana@example.ba,ivo@example.ba",
            "Ana <ana@example.ba>",
            "a@b@example.ba",
        ] {
            assert!(!plausible(bad), "{bad:?}");
        }
        assert!(!plausible(&format!("{}@example.ba", "a".repeat(250))));
    }
}
