# Hrvatski.

site-title = Općina { $municipality }
skip-to-content = Preskoči na sadržaj
language-switch = Jezik i pismo
nav-main = Glavni izbornik
nav-home = Početna
nav-counter = Šalter
nav-sign-in = Prijava za službenike
nav-sign-out = Odjava
footer-text = Podaci putuju, a ne građani. Izvatke iz matičnih knjiga dobivate u bilo kojem matičnom uredu općine.

role-registrar = matičar
role-counter_clerk = šalterski službenik
role-auditor = revizor
role-admin = administrator

error-403-title = Pristup nije dopušten
error-403-role = Vaša uloga ({ $role }) ne dopušta ovu radnju.
error-csrf = Obrazac je istekao ili nije poslan s ove stranice. Vratite se, osvježite stranicu i pošaljite ga ponovno.
error-404-title = Nije pronađeno
error-500-title = Pogreška na poslužitelju
error-500 = Zahtjev nije izvršen zbog pogreške na poslužitelju; ništa od ranije upisanoga nije izgubljeno. Pokušajte ponovno za trenutak.
error-back-home = Na početnu stranicu
error-form-title = Obrazac nije primljen
error-form-too-large = Obrazac je prevelik.
error-purpose-title = Navedite svrhu uvida
error-purpose = Svaki uvid u podatke osobe bilježi se sa svrhom. Vratite se na pretragu i odaberite svrhu.

home-title = Matični uredi i usluge građanima
home-intro = Izvatke i potvrde iz matičnih knjiga dobivate u bilo kojem matičnom uredu općine, bez obzira na to gdje je upis napravljen.
home-offices = Matični uredi
office-name = Ured
office-address = Adresa
office-hours = Radno vrijeme
home-documents = Isprave iz matičnih knjiga
home-documents-text = Izvadci i potvrde nemaju rok valjanosti. Svaka isprava nosi QR kod kojim svatko, bez prijave, može provjeriti da je izdana u ovoj općini i da nije mijenjana.

sign-in-title = Prijava za službenike
sign-in-username = Korisničko ime
sign-in-password = Lozinka
sign-in-submit = Prijavi se
sign-in-missing = Upišite korisničko ime i lozinku.
sign-in-failed = Pogrešno korisničko ime ili lozinka.
sign-in-inactive = Ovaj korisnički račun je isključen. Obratite se administratoru.
sign-in-locked = Previše neuspjelih pokušaja prijave. Pokušajte ponovno za { $minutes } min.
signed-out = Odjavljeni ste.

counter-title = Šalter: pretraživanje osoba
counter-query = Ime i prezime ili JMBG
counter-query-hint = Latinicom ili ćirilicom, s dijakritičkim znakovima ili bez njih; pogreške u tipkanju se toleriraju.
counter-query-empty = Upišite ime i prezime ili JMBG.
counter-purpose = Svrha uvida
counter-purpose-hint = Svaki uvid u podatke osobe bilježi se sa svrhom.
counter-case = Broj predmeta (nije obvezno)
counter-search = Traži
counter-results = { $count ->
    [one] Pronađena je { $count } osoba za „{ $query }”
    [few] Pronađene su { $count } osobe za „{ $query }”
   *[other] Pronađeno je { $count } osoba za „{ $query }”
}
counter-no-results = Nema osoba za „{ $query }”. Provjerite JMBG ili pokušajte s manje riječi.
purpose-extract = izdavanje izvatka ili potvrde
purpose-registration = upis u matičnu knjigu
purpose-check = provjera podataka na zahtjev stranke
purpose-official = službena potreba tijela uprave
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
former-names = prije: { $names }
person-back = ← Natrag na pretraživanje
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
person-annotations = Naknadni upisi i bilješke
person-no-annotations = Nema naknadnih upisa ni bilježaka.
person-late = upisano nakon roka
person-access = Tko je pristupao podacima
person-access-hint = Posljednjih 20 uvida, uključujući ovaj.
person-not-found = Ovaj čvor nema upisa za JMBG { $jmbg }.
person-bad-jmbg = „{ $jmbg }” nije ispravan JMBG.
access-when = Kada
access-who = Tko
access-office = Ured
access-action = Radnja
access-purpose = Svrha
access-action-person-view = pregled podataka osobe
access-action-entry-read = uvid u upis
access-action-access-log-read = uvid u evidenciju pristupa
access-action-extract-issued = izdan izvadak
access-action-extract-refused = odbijen zahtjev za izvadak

register-MKR = Matična knjiga rođenih
register-MKV = Matična knjiga vjenčanih
register-MKU = Matična knjiga umrlih
register-MKD = Matična knjiga državljana

nav-verify = Provjera isprave
verify-title = Provjera isprave iz matičnih knjiga
verify-intro = Skenirajte QR kod s isprave ili upišite broj isprave i kontrolni kod otisnut ispod QR koda.
verify-number = Broj
verify-number-hint = Kako je otisnut na ispravi, npr. 17/2026-KAK.
verify-number-invalid = Broj nije ispravan: upišite ga kako je otisnut, npr. 17/2026-KAK.
verify-code = Kontrolni kod
verify-code-hint = Dio adrese ispod QR koda iza „s=”.
verify-submit = Provjeri
verify-authentic = Isprava je vjerodostojna: izdala ju je ova općina i nije mijenjana.
verify-not-authentic = Isprava nije potvrđena.
verify-not-authentic-help = Ova općina nije izdala ispravu s tim brojem i tim kontrolnim kodom. Provjerite jesu li broj i kod točno prepisani ili se obratite matičnom uredu.
verify-kind = Vrsta
verify-person = Osoba
verify-issued = Izdana
verify-office = Izdalo
verify-status = Stanje
verify-current = važeća: od izdavanja nije upisano ništa što mijenja njezin sadržaj
verify-superseded = zamijenjena: naknadni upis od { $since } mijenja sadržaj; zatražite novi izvadak
verify-revoked = opozvana { $at }: { $reason }
verify-fingerprint = Otisak sadržaja (SHA-256)
verify-note = Isprave iz matičnih knjiga nemaju rok valjanosti.
verify-unavailable = Provjera trenutačno nije moguća; pokušajte ponovno za nekoliko minuta.
kind-birth = Izvadak iz matice rođenih
kind-marriage = Izvadak iz matice vjenčanih
kind-death = Izvadak iz matice umrlih
kind-citizenship = Domovnica (potvrda o državljanstvu)
kind-no-impediment = Potvrda o slobodnom bračnom stanju
kind-life = Potvrda o životu
kind-birth-international = Međunarodni izvadak iz matice rođenih
kind-marriage-international = Međunarodni izvadak iz matice vjenčanih
kind-death-international = Međunarodni izvadak iz matice umrlih
