//! The website of a synthetic municipality: news, announcements, public calls, acts and
//! standing pages, as its newsroom would have written them (invented events, invented
//! names; places are Kakanj's settlements). For the demo and the benchmarks.

use chrono::{Days, NaiveDate};
use opcina_core::publicinfo::media::ContactFields;
use opcina_core::publicinfo::piece::{PieceFacts, PieceText};

/// Where a piece is left in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Published now.
    Published,
    /// Published with an embargo of this many hours.
    Embargoed(u32),
    /// Submitted, waiting for the approver.
    InReview,
    /// A draft still being written.
    Draft,
}

/// A piece to write: its facts, its texts (Bosnian first) and where it is left.
#[derive(Debug, Clone)]
pub struct Piece {
    pub facts: PieceFacts,
    pub texts: Vec<PieceText>,
    pub plan: Plan,
    /// Sent to the media list as a press release once published.
    pub press: bool,
}

fn text(language: &str, title: &str, summary: &str, body: &str) -> PieceText {
    PieceText { language: language.into(), title: title.into(), summary: summary.into(), body: body.into() }
}

fn facts(kind: &str, category: &str, tags: &str, mz: &str) -> PieceFacts {
    PieceFacts { kind: kind.into(), category: category.into(), tags: tags.into(), local_community: mz.into(), ..PieceFacts::default() }
}

/// The demo's pieces, in the order they are written (the last published is the newest);
/// public calls close a number of days after `today`.
pub fn pieces(today: NaiveDate) -> Vec<Piece> {
    let day = |n: u64| (today + Days::new(n)).format("%Y-%m-%d").to_string();
    let mut out = Vec::new();
    let mut add = |facts: PieceFacts, texts: Vec<PieceText>, plan: Plan| {
        let press = matches!(plan, Plan::Embargoed(_)) || texts.iter().any(|t| t.title.starts_with("Potpisan ugovor"));
        out.push(Piece { facts, texts, plan, press });
    };

    add(
        facts("page", "", "", ""),
        vec![
            text(
                "bs",
                "O općini",
                "Općina Kakanj u srcu Bosne: 37.000 stanovnika, 20 naselja, četiri matična ureda.",
                "Općina Kakanj leži u dolini rijeke Bosne, između Zenice i Sarajeva.\n\nUsluge građanima pružaju Centar za usluge u Kaknju i matični uredi u Kraljevoj Sutjesci, Brnjici i Bilješevu. Izvode iz matičnih knjiga dobijate u bilo kojem od njih.",
            ),
            text(
                "en",
                "About the municipality",
                "Kakanj in the heart of Bosnia: 37,000 people, 20 settlements, four registry offices.",
                "Kakanj lies in the valley of the river Bosna, between Zenica and Sarajevo.\n\nThe service centre in Kakanj and the registry offices in Kraljeva Sutjeska, Brnjica and Bilješevo serve citizens. Extracts from the civil registers are issued at any of them.",
            ),
        ],
        Plan::Published,
    );
    add(
        facts("page", "", "", ""),
        vec![text(
            "bs",
            "Službe i kontakti",
            "Službe općinskog organa uprave, njihovi rukovodioci i kontakti.",
            "Služba za opću upravu i društvene djelatnosti: matične knjige, lični status, pisarnica.\n\nSlužba za prostorno uređenje i zaštitu okoline: urbanističke saglasnosti i građevinske dozvole.\n\nSlužba za privredu i finansije: budžet, poticaji, obrti.\n\nKabinet načelnika: odnosi s javnošću, pitanja novinara.",
        )],
        Plan::Published,
    );
    add(
        facts("page", "", "", ""),
        vec![text(
            "bs",
            "Mjesne zajednice",
            "Mjesne zajednice općine i njihova sjedišta.",
            "Općina ima mjesne zajednice u gradu i u seoskim područjima; svaka ima svoj savjet i predsjednika.\n\nPrijedloge prioriteta mjesne zajednice dostavljaju općini svake godine do kraja septembra.",
        )],
        Plan::Published,
    );
    add(
        PieceFacts { gazette: "Službeni glasnik Općine Kakanj 9/2026".into(), ..facts("act", "Akti vijeća", "budžet", "") },
        vec![text(
            "bs",
            "Odluka o izvršavanju budžeta Općine Kakanj za 2026. godinu",
            "Općinsko vijeće usvojilo je odluku o izvršavanju budžeta.",
            "Na osnovu člana 24. Statuta Općine Kakanj, Općinsko vijeće na sjednici održanoj u novembru donijelo je Odluku o izvršavanju budžeta.\n\nOdluka stupa na snagu osmog dana od dana objave u Službenom glasniku.",
        )],
        Plan::Published,
    );
    add(
        PieceFacts {
            gazette: "Službeni glasnik Općine Kakanj 10/2026".into(), ..facts("act", "Akti načelnika", "saobraćaj", "Kakanj")
        },
        vec![text(
            "bs",
            "Rješenje o privremenoj regulaciji saobraćaja u ulici Alije Izetbegovića",
            "Privremena regulacija saobraćaja za vrijeme radova na vodovodu.",
            "Za vrijeme radova na rekonstrukciji vodovoda saobraćaj se odvija jednom trakom, uz regulaciju semaforom.\n\nRješenje važi do završetka radova.",
        )],
        Plan::Published,
    );
    add(
        PieceFacts { closes_on: "2020-10-31".into(), ..facts("public_call", "Obrazovanje", "stipendije, mladi", "") },
        vec![text(
            "bs",
            "Javni konkurs za dodjelu stipendija studentima 2020/2021",
            "Konkurs je zatvoren; rang-lista je objavljena.",
            "Konkurs je bio otvoren do 31. oktobra 2020. godine.",
        )],
        Plan::Published,
    );

    let news: [(&str, &str, &str, &str, &str); 10] = [
        (
            "Infrastruktura",
            "putevi",
            "Haljinići",
            "Počela rekonstrukcija puta Kakanj – Haljinići",
            "Radovi na 3,2 km puta trajat će do proljeća.",
        ),
        (
            "Privreda",
            "poticaji, poljoprivreda",
            "",
            "Isplaćeni poticaji za 212 poljoprivrednih proizvođača",
            "Općina je isplatila poticaje za mlijeko, stočarstvo i plastenike.",
        ),
        (
            "Kultura",
            "kultura, Kraljeva Sutjeska",
            "Kraljeva Sutjeska",
            "Dani kulture u Kraljevoj Sutjesci okupili 2.000 posjetilaca",
            "Tri dana koncerata, izložbi i promocija knjiga.",
        ),
        (
            "Obrazovanje",
            "škole",
            "Doboj",
            "Nova fiskulturna sala za osnovnu školu u Doboju",
            "Sala je izgrađena zajedničkim sredstvima općine i kantona.",
        ),
        (
            "Komunalne usluge",
            "voda",
            "Kakanj",
            "Obavještenje o radovima na vodovodnoj mreži u centru grada",
            "Moguća kratkotrajna isključenja vode u utorak i srijedu.",
        ),
        (
            "Socijalna zaštita",
            "penzioneri",
            "",
            "Jednokratna pomoć za 1.150 penzionera s najnižim primanjima",
            "Pomoć se isplaćuje putem pošte do kraja mjeseca.",
        ),
        (
            "Sport",
            "sport, mladi",
            "Bilješevo",
            "Otvoren rekonstruisani stadion u Bilješevu",
            "Teren s vještačkom travom i novom rasvjetom.",
        ),
        (
            "Okoliš",
            "okoliš, otpad",
            "Brnjica",
            "Uklonjena divlja deponija kod Brnjice",
            "Odvezeno 40 kubika otpada; postavljene table i kamera.",
        ),
        (
            "Uprava",
            "usluge, matični ured",
            "",
            "Izvodi iz matičnih knjiga sada i za upise iz drugih općina",
            "Podaci putuju, a ne građani: izvod dobijate u bilo kojem uredu.",
        ),
        (
            "Privreda",
            "investicije",
            "Termoelektrana",
            "Potpisan ugovor o novoj proizvodnoj hali u poslovnoj zoni",
            "Investicija od 4 miliona KM i 80 novih radnih mjesta.",
        ),
    ];
    for (i, (category, tags, mz, title, summary)) in news.into_iter().enumerate() {
        let body = "Načelnik općine obišao je lokaciju i razgovarao s mještanima. „Ovo je jedan od prioriteta koje su građani istakli na zborovima“, rekao je.\n\nViše informacija dostupno je u Kabinetu načelnika i na ovoj stranici.";
        let mut texts = vec![text("bs", title, summary, body)];
        if i == 8 {
            texts.push(text(
                "en",
                "Extracts from the civil registers now also for entries made in other municipalities",
                "Data travels, not citizens: get your extract at any office.",
                "Data travels, not citizens: get your extract at any office.\n\nThe registry offices of the municipality now issue extracts for entries kept in other municipalities of the network.",
            ));
            texts.push(text(
                "sr",
                "Izvodi iz matičnih knjiga sada i za upise iz drugih opština",
                "Podaci putuju, a ne građani: izvod dobijate u bilo kojoj službi.",
                "Podaci putuju, a ne građani: izvod dobijate u bilo kojoj matičnoj službi.",
            ));
        }
        let kind = if i == 4 { "announcement" } else { "news" };
        add(facts(kind, category, tags, mz), texts, Plan::Published);
    }
    let notices: [(&str, &str, &str); 5] = [
        ("Radno vrijeme matičnih ureda za vrijeme praznika", "Uredi rade skraćeno 31. decembra; 1. i 2. januara su zatvoreni.", ""),
        (
            "Javna rasprava o nacrtu budžeta za 2027. godinu",
            "Rasprave se održavaju u svim mjesnim zajednicama; primjedbe do kraja mjeseca.",
            "",
        ),
        ("Obavještenje o odvozu kabastog otpada", "Odvoz kabastog otpada po mjesnim zajednicama prema rasporedu.", "Kraljeva Sutjeska"),
        ("Poziv za sjednicu Općinskog vijeća", "Sjednica se održava u sali Općinskog vijeća s početkom u 10 sati.", ""),
        ("Ovjera zdravstvenih knjižica za nezaposlene", "Ovjera se vrši na šalteru 5 Centra za usluge.", ""),
    ];
    for (title, summary, mz) in notices {
        add(
            facts("announcement", "Obavještenja", "", mz),
            vec![text("bs", title, summary, &format!("{summary}\n\nZa dodatne informacije obratite se Centru za usluge."))],
            Plan::Published,
        );
    }
    add(
        PieceFacts { closes_on: day(21), ..facts("public_call", "Privreda", "poticaji, mladi", "") },
        vec![text(
            "bs",
            "Javni poziv za dodjelu poticaja mladim poduzetnicima",
            "Do 5.000 KM za pokretanje obrta ili firme; prijave u roku od 21 dan.",
            "Pravo na poticaj imaju nezaposlene osobe do 35 godina s prebivalištem na području općine.\n\nPrijave se predaju u pisarnici ili poštom, uz dokumentaciju navedenu u pozivu.",
        )],
        Plan::Published,
    );
    add(
        PieceFacts { closes_on: day(10), ..facts("public_call", "Obrazovanje", "stipendije, mladi", "") },
        vec![text(
            "bs",
            "Javni konkurs za dodjelu stipendija studentima 2026/2027",
            "Stipendije za 120 studenata; prijave u roku od 10 dana.",
            "Pravo učešća imaju redovni studenti s prebivalištem na području općine.\n\nRang-lista se objavljuje na ovoj stranici.",
        )],
        Plan::Published,
    );
    add(
        facts("news", "Uprava", "budžet", ""),
        vec![text(
            "bs",
            "Načelnik predstavio prijedlog budžeta za 2027. godinu",
            "Budžet od 38 miliona KM, s naglaskom na putevima i školama.",
            "Prijedlog budžeta upućen je Općinskom vijeću.\n\nGrađani mogu dati primjedbe na javnoj raspravi.",
        )],
        Plan::Embargoed(20),
    );
    add(
        facts("news", "Kultura", "kultura", "Kakanj"),
        vec![text("bs", "Zimske večeri u Domu kulture", "Program koncerata i predstava u decembru.", "Program za decembar.")],
        Plan::InReview,
    );
    add(
        facts("announcement", "Komunalne usluge", "", "Kakanj"),
        vec![text("bs", "Zimsko održavanje puteva: dežurni brojevi", "", "Nacrt: dopuniti brojeve dežurnih službi.")],
        Plan::Draft,
    );
    out
}

/// Thirty media houses and journalists (invented; addresses under `.example`), with the
/// topics they follow and their language and script.
pub fn media_list() -> Vec<ContactFields> {
    let outlets: [(&str, &str, &str, &str, &str); 30] = [
        ("Radio Kakanj", "Redakcija", "", "bs", "latin"),
        ("TV Kakanj", "Desk vijesti", "", "bs", "latin"),
        ("Kakanjski portal", "Amra Delić", "", "bs", "latin"),
        ("Radio Zenica", "Redakcija", "privreda, politika", "bs", "latin"),
        ("RTV Zenica", "Informativni program", "", "bs", "latin"),
        ("Naša riječ", "Jasmin Kovač", "kultura", "bs", "latin"),
        ("BHRT", "Dopisništvo Zenica", "politika", "bs", "latin"),
        ("FTV", "Dopisništvo Zenica", "", "bs", "latin"),
        ("RTRS", "Dopisništvo Sarajevo", "politika, privreda", "sr", "cyrillic"),
        ("Glas Srpske", "Redakcija", "politika", "sr", "cyrillic"),
        ("Nezavisne novine", "Dopisnik Sarajevo", "privreda", "sr", "latin"),
        ("Večernji list BiH", "Redakcija", "", "hr", "latin"),
        ("Dnevni list", "Dopisnik Zenica", "politika", "hr", "latin"),
        ("Radio Kraljeva Sutjeska", "Fra Marko Perić", "kultura", "hr", "latin"),
        ("Oslobođenje", "Desk BiH", "", "bs", "latin"),
        ("Dnevni avaz", "Dopisnik Zenica", "", "bs", "latin"),
        ("Klix", "Redakcija vijesti", "", "bs", "latin"),
        ("N1 BiH", "Desk", "politika, privreda", "bs", "latin"),
        ("Al Jazeera Balkans", "Dopisništvo Sarajevo", "", "bs", "latin"),
        ("Fena", "Dežurni urednik", "", "bs", "latin"),
        ("Srna", "Redakcija", "politika", "sr", "cyrillic"),
        ("Patria", "Redakcija", "", "bs", "latin"),
        ("Sportski žurnal", "Redakcija", "sport", "bs", "latin"),
        ("Radio Visoko", "Redakcija", "", "bs", "latin"),
        ("Radio Breza", "Redakcija", "", "bs", "latin"),
        ("Zenica Blog", "Selma Hadžić", "kultura, sport", "bs", "latin"),
        ("Business Magazin", "Urednik", "privreda", "bs", "latin"),
        ("Balkan Insight", "Sarajevo bureau", "politika", "en", "latin"),
        ("Radio Slobodna Evropa", "Dopisnik", "politika", "bs", "latin"),
        ("Kakanj Info", "Tarik Mujić", "", "bs", "latin"),
    ];
    outlets
        .iter()
        .enumerate()
        .map(|(i, (outlet, name, beats, language, script))| ContactFields {
            outlet: (*outlet).into(),
            name: (*name).into(),
            email: format!("redakcija{:02}@{}.example", i + 1, crate::website::domain(outlet)),
            beats: (*beats).into(),
            language: (*language).into(),
            script: (*script).into(),
        })
        .collect()
}

/// A domain-like word for an outlet's name.
fn domain(outlet: &str) -> String {
    opcina_core::publicinfo::key::key(outlet).replace('-', "")
}

#[cfg(test)]
mod tests {
    use opcina_core::publicinfo::piece::{check_facts, check_text};

    use super::*;

    #[test]
    fn every_demo_piece_is_valid() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).unwrap_or_default();
        let pieces = pieces(today);
        assert!(pieces.iter().filter(|p| p.plan == Plan::Published).count() >= 20);
        for p in &pieces {
            assert!(check_facts(&p.facts).is_ok(), "{:?}", p.facts);
            assert_eq!(p.texts[0].language, "bs");
            for t in &p.texts {
                assert!(check_text(t).is_ok(), "{t:?}");
            }
        }
        let media = media_list();
        assert_eq!(media.len(), 30);
        let mut emails: Vec<_> = media.iter().map(|c| c.email.clone()).collect();
        emails.dedup();
        assert_eq!(emails.len(), 30);
        for c in &media {
            assert!(opcina_core::publicinfo::media::check_contact(c).is_ok(), "{c:?}");
        }
    }
}

/// A journalist's question for the demo: the unit it was given to (none: still with the
/// desk) and the reply (none: still waiting).
#[derive(Debug, Clone)]
pub struct DemoQuestion {
    pub fields: opcina_core::publicinfo::desk::QuestionFields,
    /// The language of the page it was asked from (the reply's mail is framed in it).
    pub language: &'static str,
    pub unit: Option<&'static str>,
    pub reply: Option<&'static str>,
    /// Received this many working days before the demo's day; replied this many working days
    /// after that.
    pub days_ago: u32,
    pub replied_after: u32,
}

/// Journalists' questions to the municipality (outlets of the demo's media list, invented
/// journalists, addresses under `.example`): replied to, with a unit, and one still with the
/// desk.
pub fn press_questions() -> Vec<DemoQuestion> {
    // Outlet, journalist, e-mail, language, subject, question, unit, reply, received working
    // days ago, replied working days after.
    type Text = &'static str;
    type Row = (Text, Text, Text, Text, Text, Text, Option<Text>, Option<Text>, u32, u32);
    let rows: [Row; 6] = [
        (
            "Radio Kakanj",
            "Amel Begić",
            "amel.begic@radiokakanj.example",
            "bs",
            "Sanacija lokalnih puteva",
            "Koliko je kilometara lokalnih puteva planirano za asfaltiranje ove godine i u kojim mjesnim zajednicama?",
            Some("05"),
            Some("Ove godine planirano je 14 km: u MZ Doboj, Haljinići, Kraljeva Sutjeska i Zgošća. Radovi počinju u aprilu."),
            6,
            1,
        ),
        (
            "Kakanjski portal",
            "Amra Delić",
            "amra.delic@portal.example",
            "bs",
            "Red čekanja za izvode",
            "Da li je tačno da se na izvode iz matičnih knjiga čeka duže od sat vremena?",
            Some("01/1"),
            Some("Prosječno čekanje u oktobru bilo je 9 minuta. Izvod se može naručiti i putem portala i preuzeti na bilo kojem šalteru."),
            5,
            4,
        ),
        (
            "Glas Srpske",
            "Milan Savić",
            "milan.savic@glas.example",
            "sr-cyrl",
            "Обнова цркве у Бриједу",
            "Да ли је општина учествовала у финансирању обнове?",
            Some("02"),
            Some("Općina je iz budžeta za 2026. izdvojila 20.000 KM za obnovu."),
            2,
            0,
        ),
        (
            "Dnevni list",
            "Ivana Marić",
            "ivana.maric@dnevni.example",
            "hr",
            "Poticaji za poljoprivrednike",
            "Kada će biti isplaćeni poticaji za ovu godinu i koliko je prijava stiglo?",
            Some("03"),
            None,
            5,
            0,
        ),
        (
            "N1 BiH",
            "Tarik Hodžić",
            "tarik.hodzic@n1.example",
            "bs",
            "Kvalitet zraka",
            "Koje mjere općina poduzima zbog zagađenja zraka u zimskim mjesecima?",
            Some("04"),
            None,
            1,
            0,
        ),
        (
            "Balkan Insight",
            "Sarah Collins",
            "s.collins@bi.example",
            "en",
            "Municipal budget 2027",
            "When will the draft budget for 2027 be published for public consultation?",
            None,
            None,
            0,
            0,
        ),
    ];
    rows.into_iter()
        .map(|(outlet, name, email, language, subject, text, unit, reply, days_ago, replied_after)| DemoQuestion {
            fields: opcina_core::publicinfo::desk::QuestionFields {
                outlet: outlet.into(),
                name: name.into(),
                email: email.into(),
                subject: subject.into(),
                text: text.into(),
            },
            language,
            unit,
            reply,
            days_ago,
            replied_after,
        })
        .collect()
}

/// A citizen's message for the demo, and the answer it has been given (none: still waiting).
#[derive(Debug, Clone)]
pub struct DemoMessage {
    pub fields: opcina_core::publicinfo::message::MessageFields,
    pub answer: Option<&'static str>,
}

/// Questions, suggestions and complaints to the municipality's units (invented people,
/// addresses under `.example`), some answered, some waiting.
pub fn messages() -> Vec<DemoMessage> {
    // Kind, unit, name, subject, text, publish, the answer.
    type Row = (&'static str, &'static str, &'static str, &'static str, &'static str, bool, Option<&'static str>);
    let rows: [Row; 8] = [
        (
            "question",
            "01/1",
            "Selma Hadžić",
            "Rok za upis u vrtić",
            "Do kada traje upis djece u vrtić za narednu godinu i koji su dokumenti potrebni?",
            true,
            Some(
                "Upis traje do 31. maja. Potrebni su izvod iz matične knjige rođenih i uvjerenje o prebivalištu; oba izdaje Centar za usluge.",
            ),
        ),
        (
            "complaint",
            "01/1",
            "Mirza Kovačević",
            "Čekanje na šalteru",
            "U ponedjeljak sam na šalteru za izvode čekao više od sat vremena, a radila su samo dva šaltera od pet.",
            false,
            Some("Ispričavamo se. Ponedjeljkom od 8 do 10 sati sada rade četiri šaltera, a izvod možete naručiti i putem portala."),
        ),
        (
            "suggestion",
            "05",
            "Jasna Perić",
            "Kante za reciklažu u Doboju",
            "Predlažem da se uz kontejnere u naselju Doboj postave i kante za plastiku i papir.",
            true,
            Some("Hvala na prijedlogu. Kante za odvojeno prikupljanje bit će postavljene u Doboju do kraja godine."),
        ),
        (
            "question",
            "04",
            "Adnan Mujić",
            "Legalizacija pomoćnog objekta",
            "Kako da pokrenem legalizaciju garaže izgrađene 2001. godine?",
            false,
            None,
        ),
        ("question", "02", "Ђорђе Јовановић", "Порез на имовину", "Да ли се порез на имовину плаћа за викендицу у Бриједу?", true, None),
        (
            "complaint",
            "05",
            "Emina Salihović",
            "Neodvezeno smeće",
            "Smeće u Ulici 311. lahke brigade nije odvezeno već dvije sedmice.",
            false,
            None,
        ),
        (
            "suggestion",
            "03",
            "Ivan Marić",
            "Sajam poljoprivrednika",
            "Predlažem da se sajam domaćih proizvoda održava svake subote na gradskoj pijaci.",
            true,
            None,
        ),
        (
            "question",
            "01/1",
            "Lejla Begović",
            "Ovjera potpisa subotom",
            "Da li je moguće ovjeriti potpis subotom?",
            true,
            Some("Centar za usluge radi subotom od 8 do 12 sati; ovjera potpisa je moguća."),
        ),
    ];
    rows.into_iter()
        .enumerate()
        .map(|(i, (kind, unit, name, subject, text, publish, answer))| DemoMessage {
            fields: opcina_core::publicinfo::message::MessageFields {
                kind: kind.into(),
                unit: unit.into(),
                name: name.into(),
                email: format!("gradjanin{}@example.test", i + 1),
                subject: subject.into(),
                text: text.into(),
                publish,
            },
            answer,
        })
        .collect()
}

/// A report of a communal problem for the demo, and what its unit has done since (state,
/// note, responsible body).
#[derive(Debug, Clone)]
pub struct DemoReport {
    pub fields: opcina_core::publicinfo::report::ReportFields,
    pub steps: Vec<(&'static str, &'static str, &'static str)>,
}

/// Reports on several local communities of Kakanj (invented reporters; points near the
/// places), open, in progress, fixed and found to be another body's.
pub fn reports() -> Vec<DemoReport> {
    type Step = (&'static str, &'static str, &'static str);
    // Category, local community, address, latitude, longitude, description, attributes, steps.
    type Row = (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static [(&'static str, &'static str)],
        &'static [Step],
    );
    let rows: [Row; 12] = [
        (
            "pothole",
            "Centar",
            "Alije Izetbegovića kod pošte",
            "44.1296",
            "18.1208",
            "Duboka rupa na kolovozu, auti je zaobilaze preko pješačkog prelaza.",
            &[("size", "large")],
            &[("investigating", "Ekipa je izašla na teren.", ""), ("action_scheduled", "Asfaltiranje je zakazano za ponedjeljak.", "")],
        ),
        (
            "street_light",
            "Centar",
            "Park kod Doma kulture",
            "44.1311",
            "18.1182",
            "Tri svjetiljke u parku ne rade.",
            &[("pole_number", "JR-114")],
            &[("in_progress", "Naručene su nove sijalice.", "")],
        ),
        (
            "illegal_dumping",
            "Doboj",
            "Uz obalu Bosne ispod mosta",
            "44.1253",
            "18.1090",
            "Neko je istovario građevinski otpad uz obalu rijeke.",
            &[],
            &[("investigating", "Komunalna inspekcija je obaviještena.", "")],
        ),
        (
            "waste_collection",
            "Doboj",
            "Ulica 311. lahke brigade",
            "",
            "",
            "Kontejner nije ispražnjen dvije sedmice.",
            &[],
            &[("fixed", "Kontejner je ispražnjen i opran.", "")],
        ),
        (
            "snow_ice",
            "Kraljeva Sutjeska",
            "Put prema samostanu",
            "44.1016",
            "18.1989",
            "Put nije očišćen od snijega, autobus ne može proći.",
            &[],
            &[],
        ),
        (
            "road_sign",
            "Kraljeva Sutjeska",
            "Raskrsnica kod škole",
            "",
            "",
            "Znak STOP je oboren.",
            &[],
            &[("fixed", "Znak je vraćen na mjesto.", ""), ("closed", "", "")],
        ),
        (
            "stormwater",
            "Ćatići",
            "Glavna ulica kod džamije",
            "44.0712",
            "18.1367",
            "Začepljen slivnik, voda plavi ulicu kad pada kiša.",
            &[],
            &[],
        ),
        (
            "pothole",
            "Ćatići",
            "Magistralni put M17",
            "44.0698",
            "18.1402",
            "Rupa na magistralnom putu kod benzinske pumpe.",
            &[("size", "medium")],
            &[("not_responsible", "Magistralnim putem upravlja JP Ceste FBiH; prijava je proslijeđena njima.", "JP Ceste Federacije BiH")],
        ),
        (
            "green_area",
            "Zgošća",
            "Dječije igralište",
            "",
            "",
            "Polomljena ljuljačka na dječijem igralištu.",
            &[],
            &[("action_scheduled", "Popravka je zakazana za petak.", "")],
        ),
        ("street_light", "Haljinići", "Naselje Haljinići, ulica prema školi", "44.0891", "18.0712", "Rasvjeta gori i danju.", &[], &[]),
        ("other", "Termoelektrana", "Autobusno stajalište", "", "", "Razbijeno staklo na nadstrešnici stajališta.", &[], &[]),
        ("illegal_dumping", "Modrinje", "Šumski put iznad sela", "44.1502", "18.0901", "Divlja deponija kućnog otpada u šumi.", &[], &[]),
    ];
    rows.into_iter()
        .enumerate()
        .map(|(i, (category, mz, address, lat, lon, description, attributes, steps))| DemoReport {
            fields: opcina_core::publicinfo::report::ReportFields {
                category: category.into(),
                description: description.into(),
                local_community: mz.into(),
                address: address.into(),
                lat: lat.into(),
                lon: lon.into(),
                name: format!("Prijavitelj {}", i + 1),
                email: if i % 3 == 2 { String::new() } else { format!("prijava{}@example.test", i + 1) },
                attributes: attributes.iter().map(|(k, v)| ((*k).to_string(), (*v).to_string())).collect(),
            },
            steps: steps.to_vec(),
        })
        .collect()
}

/// A request for access to information for the demo and how it was decided (none: still
/// waiting for the official).
#[derive(Debug, Clone)]
pub struct DemoInformationRequest {
    pub fields: opcina_core::publicinfo::information::RequestFields,
    pub language: &'static str,
    /// Received this many calendar days before the demo's day.
    pub days_ago: u64,
    /// Decided this many days after it was received.
    pub decided_after: u64,
    pub decision: Option<opcina_core::publicinfo::information::DecisionFields>,
}

/// Requests for information (invented requesters, addresses under `.example`): granted,
/// granted in part on a third person's privacy, not held and forwarded, one waiting within
/// its term and one past it.
pub fn information_requests() -> Vec<DemoInformationRequest> {
    use opcina_core::publicinfo::information::{DecisionFields, RequestFields};
    let request = |name: &str, address: &str, email: &str, requester: &str, access: &str, information: &str| RequestFields {
        name: name.into(),
        address: address.into(),
        email: email.into(),
        requester: requester.into(),
        access: access.into(),
        information: information.into(),
    };
    let appeal =
        "Protiv ovog rješenja podnosilac može izjaviti žalbu Općinskom načelniku, putem ove službe, u roku od 15 dana od dana prijema.";
    vec![
        DemoInformationRequest {
            fields: request(
                "Amel Begić",
                "Radio Kakanj, Branilaca 12, 72240 Kakanj",
                "amel.begic@radiokakanj.example",
                "media",
                "email",
                "Ugovori o zimskom održavanju lokalnih puteva za sezonu 2026/2027, sa cijenama po dionicama.",
            ),
            language: "bs",
            days_ago: 30,
            decided_after: 9,
            decision: Some(DecisionFields {
                kind: "granted".into(),
                given: "Kopije tri ugovora o zimskom održavanju sa specifikacijom cijena, u prilogu e-pošte.".into(),
                ..DecisionFields::default()
            }),
        },
        DemoInformationRequest {
            fields: request(
                "Udruženje Transparentni Kakanj",
                "Šehida 4, 72240 Kakanj",
                "info@transparentni.example",
                "ngo",
                "email",
                "Spisak korisnika jednokratne novčane pomoći u 2026. godini s dodijeljenim iznosima.",
            ),
            language: "bs",
            days_ago: 24,
            decided_after: 14,
            decision: Some(DecisionFields {
                kind: "partial".into(),
                exemptions: vec!["privacy".into()],
                reasons: "Imena i adrese korisnika socijalne pomoći su lične informacije trećih lica; dati su iznosi po mjesnim zajednicama i mjesecima bez imena.".into(),
                public_interest: "Javni interes za trošenje budžeta ostvaren je objavom iznosa; imena korisnika ne bi mu doprinijela, a otkrila bi socijalni položaj pojedinaca.".into(),
                given: "Pregled isplaćenih iznosa po mjesnim zajednicama i mjesecima 2026.".into(),
                appeal_to: appeal.into(),
                ..DecisionFields::default()
            }),
        },
        DemoInformationRequest {
            fields: request(
                "Mirza Kovač",
                "Doboj bb, 72240 Kakanj",
                "",
                "person",
                "post",
                "Broj učenika upisanih u prve razrede osnovnih škola na području općine 2026.",
            ),
            language: "bs",
            days_ago: 12,
            decided_after: 5,
            decision: Some(DecisionFields {
                kind: "not_held".into(),
                reasons: "Evidenciju upisa učenika vode škole i kantonalno ministarstvo, ne Općina.".into(),
                forwarded_to: "Ministarstvo za obrazovanje, nauku, kulturu i sport Zeničko-dobojskog kantona".into(),
                ..DecisionFields::default()
            }),
        },
        DemoInformationRequest {
            fields: request(
                "Ivana Marić",
                "Kraljeva Sutjeska 33, 72244 Kraljeva Sutjeska",
                "ivana.maric@example.test",
                "person",
                "inspect",
                "Projektna dokumentacija za rekonstrukciju mosta u Kraljevoj Sutjesci.",
            ),
            language: "hr",
            days_ago: 4,
            decided_after: 0,
            decision: None,
        },
        DemoInformationRequest {
            fields: request(
                "Građevinar d.o.o. Kakanj",
                "Industrijska zona bb, 72240 Kakanj",
                "ured@gradjevinar.example",
                "legal_entity",
                "email",
                "Zapisnik komisije o otvaranju ponuda za nabavku radova na vodovodu Bičer.",
            ),
            language: "bs",
            days_ago: 20,
            decided_after: 0,
            decision: None,
        },
    ]
}

#[cfg(test)]
mod information_tests {
    use super::*;

    #[test]
    fn the_demo_requests_pass_the_checks() {
        for r in information_requests() {
            assert!(opcina_core::publicinfo::information::check_request(&r.fields).is_ok(), "{r:?}");
            if let Some(d) = &r.decision {
                assert!(opcina_core::publicinfo::information::check_decision(d).is_ok(), "{d:?}");
            }
        }
    }
}
