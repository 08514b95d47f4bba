# Srpski, latinica (ijekavski). Ćirilica se dobija preslovljavanjem ove datoteke.

site-title = Opština { $municipality }
skip-to-content = Preskoči na sadržaj
language-switch = Jezik i pismo
nav-main = Glavni meni
nav-home = Početna
nav-counter = Šalter
nav-sign-in = Prijava za službenike
nav-sign-out = Odjava
footer-text = Podaci putuju, a ne građani. Izvode iz matičnih knjiga dobijate u bilo kojoj matičnoj službi opštine.

role-registrar = matičar
role-counter_clerk = šalterski službenik
role-auditor = revizor
role-admin = administrator

error-403-title = Pristup nije dozvoljen
error-403-role = Vaša uloga ({ $role }) ne dozvoljava ovu radnju.
error-csrf = Obrazac je istekao ili nije poslat sa ove stranice. Vratite se, osvježite stranicu i pošaljite ga ponovo.
error-404-title = Nije pronađeno
error-500-title = Greška na serveru
error-500 = Zahtjev nije izvršen zbog greške na serveru; ništa od ranije upisanog nije izgubljeno. Pokušajte ponovo za trenutak.
error-back-home = Na početnu stranicu
error-form-title = Obrazac nije primljen
error-form-too-large = Obrazac je prevelik.
error-purpose-title = Navedite svrhu uvida
error-purpose = Svaki uvid u podatke lica bilježi se sa svrhom. Vratite se na pretragu i izaberite svrhu.

home-title = Matične službe i usluge građanima
home-intro = Izvode i uvjerenja iz matičnih knjiga dobijate u bilo kojoj matičnoj službi opštine, bez obzira na to gdje je upis napravljen.
home-offices = Matične službe
office-name = Služba
office-address = Adresa
office-hours = Radno vrijeme
home-documents = Dokumenti iz matičnih knjiga
home-documents-text = Izvodi i uvjerenja nemaju rok važenja. Svaki dokument nosi { KEEP("QR") } kod kojim svako, bez prijave, može provjeriti da je izdat u ovoj opštini i da nije mijenjan.

sign-in-title = Prijava za službenike
sign-in-username = Korisničko ime
sign-in-password = Lozinka
sign-in-submit = Prijavi se
sign-in-missing = Upišite korisničko ime i lozinku.
sign-in-failed = Pogrešno korisničko ime ili lozinka.
sign-in-inactive = Ovaj korisnički nalog je isključen. Obratite se administratoru.
sign-in-locked = Previše neuspješnih pokušaja prijave. Pokušajte ponovo za { $minutes } min.
signed-out = Odjavljeni ste.

counter-title = Šalter: pretraga lica
counter-query = Ime i prezime ili JMBG
counter-query-hint = Ćirilicom ili latinicom, sa dijakritičkim znacima ili bez njih; greške u kucanju se tolerišu.
counter-query-empty = Upišite ime i prezime ili JMBG.
counter-purpose = Svrha uvida
counter-purpose-hint = Svaki uvid u podatke lica bilježi se sa svrhom.
counter-case = Broj predmeta (nije obavezno)
counter-search = Traži
counter-results = { $count ->
    [one] Pronađeno je { $count } lice za „{ $query }“
    [few] Pronađena su { $count } lica za „{ $query }“
   *[other] Pronađeno je { $count } lica za „{ $query }“
}
counter-no-results = Nema lica za „{ $query }“. Provjerite JMBG ili pokušajte sa manje riječi.
purpose-extract = izdavanje izvoda ili uvjerenja
purpose-registration = upis u matičnu knjigu
purpose-check = provjera podataka na zahtjev stranke
purpose-official = službena potreba organa uprave
col-name = Prezime i ime
col-jmbg = JMBG
col-born = Rođen(a)
col-birth-place = Mjesto rođenja
col-office = Matična služba
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
person-back = ← Nazad na pretragu
person-summary = Osnovni podaci
person-jmbg = JMBG
person-sex = Pol
sex-male = muški
sex-female = ženski
person-born = Rođenje
person-status = Stanje
person-marital = Bračno stanje
person-spouse = Bračni drug
person-citizenship = Državljanstvo
person-parents = Roditelji
person-children = Djeca
person-office = Matična služba upisa rođenja
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
access-office = Služba
access-action = Radnja
access-purpose = Svrha
access-action-person-view = pregled podataka lica
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
verify-intro = Skenirajte { KEEP("QR") } kod sa dokumenta ili upišite broj dokumenta i kontrolni kod odštampan ispod { KEEP("QR") } koda.
verify-number = Broj
verify-number-hint = Kako je odštampan na dokumentu, npr. { KEEP("17/2026-KAK") }.
verify-number-invalid = Broj nije ispravan: upišite ga kako je odštampan, npr. { KEEP("17/2026-KAK") }.
verify-code = Kontrolni kod
verify-code-hint = Dio adrese ispod { KEEP("QR") } koda iza „{ KEEP("s=") }“.
verify-submit = Provjeri
verify-authentic = Dokument je autentičan: izdala ga je ova opština i nije mijenjan.
verify-not-authentic = Dokument nije potvrđen.
verify-not-authentic-help = Ova opština nije izdala dokument sa tim brojem i tim kontrolnim kodom. Provjerite da li su broj i kod tačno prepisani ili se obratite matičnoj službi.
verify-kind = Vrsta
verify-person = Lice
verify-issued = Izdat
verify-office = Izdao
verify-status = Stanje
verify-current = važeći: od izdavanja nije upisano ništa što mijenja njegov sadržaj
verify-superseded = zamijenjen: naknadni upis od { $since } mijenja sadržaj; zatražite novi izvod
verify-revoked = opozvan { $at }: { $reason }
verify-fingerprint = Otisak sadržaja ({ KEEP("SHA-256") })
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
