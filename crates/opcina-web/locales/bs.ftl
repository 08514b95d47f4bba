# Bosanski (zadani jezik sučelja). Svaka poruka ovdje mora postojati i u hr.ftl, sr.ftl i en.ftl.
# Srpska ćirilica nastaje iz sr.ftl preslovljavanjem; { KEEP("...") } ostaje kako je napisano.

site-title = Općina { $municipality }
skip-to-content = Preskoči na sadržaj
language-switch = Jezik i pismo
nav-main = Glavni meni
nav-home = Početna
nav-counter = Šalter
nav-sign-in = Prijava za službenike
nav-sign-out = Odjava
footer-text = Podaci putuju, a ne građani. Izvode iz matičnih knjiga dobijate u bilo kojem matičnom uredu općine.

role-registrar = matičar
role-counter_clerk = šalterski službenik
role-auditor = revizor
role-admin = administrator

error-403-title = Pristup nije dozvoljen
error-403-role = Vaša uloga ({ $role }) ne dozvoljava ovu radnju.
error-csrf = Obrazac je istekao ili nije poslan s ove stranice. Vratite se, osvježite stranicu i pošaljite ga ponovo.
error-404-title = Nije pronađeno
error-500-title = Greška na serveru
error-500 = Zahtjev nije izvršen zbog greške na serveru; ništa od ranije upisanog nije izgubljeno. Pokušajte ponovo za trenutak.
error-back-home = Na početnu stranicu
error-form-title = Obrazac nije primljen
error-form-too-large = Obrazac je prevelik.
error-purpose-title = Navedite svrhu uvida
error-purpose = Svaki uvid u podatke osobe bilježi se sa svrhom. Vratite se na pretragu i odaberite svrhu.

home-title = Matični uredi i usluge građanima
home-intro = Izvode i uvjerenja iz matičnih knjiga dobijate u bilo kojem matičnom uredu općine, bez obzira na to gdje je upis napravljen.
home-offices = Matični uredi
office-name = Ured
office-address = Adresa
office-hours = Radno vrijeme
home-documents = Dokumenti iz matičnih knjiga
home-documents-text = Izvodi i uvjerenja nemaju rok važenja. Svaki dokument nosi QR kod kojim svako, bez prijave, može provjeriti da je izdat u ovoj općini i da nije mijenjan.

sign-in-title = Prijava za službenike
sign-in-username = Korisničko ime
sign-in-password = Lozinka
sign-in-submit = Prijavi se
sign-in-missing = Upišite korisničko ime i lozinku.
sign-in-failed = Pogrešno korisničko ime ili lozinka.
sign-in-inactive = Ovaj korisnički račun je isključen. Obratite se administratoru.
sign-in-locked = Previše neuspjelih pokušaja prijave. Pokušajte ponovo za { $minutes } min.
signed-out = Odjavljeni ste.

counter-title = Šalter: pretraga osoba
counter-query = Ime i prezime ili JMBG
counter-query-hint = Latinicom ili ćirilicom, s dijakritičkim znakovima ili bez njih; greške u kucanju se tolerišu.
counter-query-empty = Upišite ime i prezime ili JMBG.
counter-purpose = Svrha uvida
counter-purpose-hint = Svaki uvid u podatke osobe bilježi se sa svrhom.
counter-case = Broj predmeta (nije obavezno)
counter-search = Traži
counter-results = { $count ->
    [one] Pronađena je { $count } osoba za „{ $query }“
    [few] Pronađene su { $count } osobe za „{ $query }“
   *[other] Pronađeno je { $count } osoba za „{ $query }“
}
counter-no-results = Nema osoba za „{ $query }“. Provjerite JMBG ili pokušajte s manje riječi.
purpose-extract = izdavanje izvoda ili uvjerenja
purpose-registration = upis u matičnu knjigu
purpose-check = provjera podataka na zahtjev stranke
purpose-official = službena potreba organa uprave
col-name = Prezime i ime
col-jmbg = JMBG
col-born = Rođen(a)
col-birth-place = Mjesto rođenja
col-office = Matični ured
col-status = Stanje

person-alive = { $sex ->
    [female] živa
   *[male] živ
}
person-deceased = { $sex ->
    [female] umrla
   *[male] umro
} { $date }
former-names = ranije: { $names }
person-back = ← Natrag na pretragu
person-summary = Osnovni podaci
person-jmbg = JMBG
person-sex = Spol
sex-male = muški
sex-female = ženski
person-born = Rođenje
person-status = Stanje
person-marital = Bračno stanje
person-spouse = Bračni drug
person-citizenship = Državljanstvo
person-parents = Roditelji
person-children = Djeca
person-office = Matični ured upisa rođenja
person-history = Stanje na drugi dan
person-as-of = Pravno stanje na dan
person-recorded = Kako je bilo upisano do dana
person-recorded-hint = Prazno: sve što je upisano do danas.
person-show = Prikaži
person-history-note = Prikazano je stanje na dan { $date }, a ne današnje.
person-date-invalid = Datum nije ispravan: upišite ga kao dan.mjesec.godina. Prikazano je današnje stanje.
person-entries = Upisi u matične knjige
person-annotations = Naknadni upisi i zabilješke
person-no-annotations = Nema naknadnih upisa ni zabilješki.
person-late = upisano nakon roka
person-access = Ko je pristupao podacima
person-access-hint = Posljednjih 20 uvida, uključujući ovaj.
person-not-found = Ovaj čvor nema upisa za JMBG { $jmbg }.
person-bad-jmbg = „{ $jmbg }“ nije ispravan JMBG.
access-when = Kada
access-who = Ko
access-office = Ured
access-action = Radnja
access-purpose = Svrha
access-action-person-view = pregled podataka osobe
access-action-entry-read = uvid u upis
access-action-access-log-read = uvid u evidenciju pristupa
access-action-extract-issued = izdat izvod
access-action-extract-refused = odbijen zahtjev za izvod

register-MKR = Matična knjiga rođenih
register-MKV = Matična knjiga vjenčanih
register-MKU = Matična knjiga umrlih
register-MKD = Matična knjiga državljana

nav-verify = Provjera dokumenta
verify-title = Provjera dokumenta iz matičnih knjiga
verify-intro = Skenirajte QR kod s dokumenta ili upišite broj dokumenta i kontrolni kod otisnut ispod QR koda.
verify-number = Broj
verify-number-hint = Kako je otisnut na dokumentu, npr. 17/2026-KAK.
verify-number-invalid = Broj nije ispravan: upišite ga kako je otisnut, npr. 17/2026-KAK.
verify-code = Kontrolni kod
verify-code-hint = Dio adrese ispod QR koda iza „s=“.
verify-submit = Provjeri
verify-authentic = Dokument je autentičan: izdala ga je ova općina i nije mijenjan.
verify-not-authentic = Dokument nije potvrđen.
verify-not-authentic-help = Ova općina nije izdala dokument s tim brojem i tim kontrolnim kodom. Provjerite jesu li broj i kod prepisani tačno ili se obratite matičnom uredu.
verify-kind = Vrsta
verify-person = Lice
verify-issued = Izdan
verify-office = Izdao
verify-status = Stanje
verify-current = važeći: od izdavanja nije upisano ništa što mijenja njegov sadržaj
verify-superseded = zamijenjen: naknadni upis od { $since } mijenja sadržaj; zatražite novi izvod
verify-revoked = opozvan { $at }: { $reason }
verify-fingerprint = Otisak sadržaja (SHA-256)
verify-note = Dokumenti iz matičnih knjiga nemaju rok važenja.
verify-unavailable = Provjera trenutno nije moguća; pokušajte ponovo za nekoliko minuta.
kind-birth = Izvod iz matične knjige rođenih
kind-marriage = Izvod iz matične knjige vjenčanih
kind-death = Izvod iz matične knjige umrlih
kind-citizenship = Uvjerenje o državljanstvu
kind-no-impediment = Uvjerenje o slobodnom bračnom stanju
kind-life = Uvjerenje o životu
kind-birth-international = Međunarodni izvod iz matične knjige rođenih
kind-marriage-international = Međunarodni izvod iz matične knjige vjenčanih
kind-death-international = Međunarodni izvod iz matične knjige umrlih

issue-document = Izdavanje dokumenta
issue-no-key = Ovaj čvor nema ključ za pečat, pa ne može izdavati dokumente. Obratite se administratoru.
issue-choose = Odaberite jednu od ponuđenih mogućnosti.
issue-kind = Vrsta dokumenta
issue-language = Jezik dokumenta
issue-script = Pismo
issue-requester = Podnosilac zahtjeva
issue-relation = Odnos prema licu iz upisa
issue-relation-hint = Srodstvo se provjerava u matičnim knjigama; punomoć, rješenje o starateljstvu i sl. navode se kao dokaz.
issue-requester-name = Ime i prezime podnosioca
issue-requester-jmbg = JMBG podnosioca
issue-requester-document = Lični dokument podnosioca
issue-requester-document-hint = Vrsta i broj, npr. lična karta 1E2345678 (ako JMBG nije upisan).
issue-evidence = Dokaz o pravnom interesu
issue-evidence-hint = Npr. punomoć ovjerena kod notara br. OPU-123/2026.
issue-purpose = Svrha
issue-purpose-hint = Npr. penzija, upis u školu, socijalna zaštita (oslobođena takse).
issue-submit = Izdaj dokument
issue-back = ← Natrag na podatke osobe
issue-fix = Zahtjev nije izvršen. Ispravite označena polja; ništa od upisanog nije izgubljeno.
doc-language-bs = bosanski
doc-language-hr = hrvatski
doc-language-sr = srpski
script-latin = latinica
script-cyrillic = ćirilica
relation-self = lice samo za sebe
relation-proxy = punomoćnik
relation-spouse = bračni drug
relation-extramarital-partner = vanbračni partner
relation-child = dijete
relation-stepchild = pastorak / pastorka
relation-parent = roditelj
relation-step-parent = očuh / maćeha
relation-grandchild = unuk / unuka
relation-grandparent = djed / nana
relation-sibling = brat / sestra
relation-guardian = staratelj
relation-other = drugo lice
extract-not-found = Dokument s tim brojem ne postoji u ovom čvoru.
extract-fee = Taksa
extract-fee-exempt = oslobođeno takse ({ $basis })
extract-official = Izdao
issued-title = Dokument je izdat
issued-text = Dokument je upisan u evidenciju izdatih dokumenata i zapečaćen. Otvorite ga i odštampajte.
issued-open-pdf = Otvori PDF za štampu
issued-verify = Javna provjera (QR kod)
issued-next = Sljedeća stranka
refused-title = Zahtjev je odbijen
refused-text = Zahtjev je odbijen rješenjem koje je upisano i numerisano. Uručite ga podnosiocu.
refused-open-pdf = Otvori rješenje za štampu
refusal-no-legal-relation = Podnosilac nije u srodstvu s licem iz upisa niti je dokazao pravni interes.
refusal-relation-not-confirmed = Navedeno srodstvo matične knjige ne potvrđuju.
person-documents = Izdati i odbijeni dokumenti
person-document-refused = odbijeno
access-action-extract-reprint = ponovni ispis dokumenta
access-action-extract-printed = ispis izdatog dokumenta
err-extract-requester-name-required = Upišite ime i prezime podnosioca kako stoji u ličnom dokumentu.
err-extract-requester-identity-required = Upišite JMBG podnosioca ili lični dokument koji je pokazao.
err-extract-purpose-required = Upišite svrhu za koju se dokument traži.
err-extract-requester-jmbg-required = Srodstvo se provjerava u matičnim knjigama: upišite JMBG podnosioca.
err-extract-evidence-required = Za ovaj odnos potreban je dokaz (punomoć, rješenje …): upišite vrstu i broj.
err-extract-no-entry = Lice nema upis u matičnoj knjizi za ovu vrstu dokumenta u ovom čvoru.
err-extract-entry-not-found = Upis nije pronađen.
err-extract-person-deceased = Matične knjige bilježe smrt ovog lica.
err-extract-person-married = Prema matičnim knjigama lice je u braku.
err-extract-citizenship-lost = Matične knjige ne bilježe državljanstvo na dan izdavanja.
err-extract-person-unknown = Ovaj čvor nema upisa za to lice.
err-jmbg-length = JMBG ima 13 cifara.
err-jmbg-digits = JMBG sadrži samo cifre.
err-jmbg-date = Prvih sedam cifara JMBG-a nije ispravan datum rođenja.
err-jmbg-check-digit-ten = JMBG nije ispravan (kontrolna cifra).
err-jmbg-checksum = JMBG nije ispravan: kontrolna cifra se ne slaže. Provjerite prepisane cifre.
