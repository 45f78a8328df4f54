//! Polish. Inflected forms are matched by their stem (`zamówieni*`, `uszkodzon*`).

use super::Lexicon;
use super::Tag::*;
use crate::classify::Escalation::*;

pub(crate) const LEXICON: Lexicon = Lexicon {
    lang: "pl",
    markers: &[
        "nie", "jest", "mój", "moja", "moje", "moich", "w", "z", "na", "się", "proszę",
        "zamówienie", "paczka", "paczki", "paczkę", "kiedy", "gdzie", "dziękuję", "jeszcze",
        "już", "to", "ten", "ta", "do", "od", "po", "że", "czy", "co", "jak", "ale", "za",
        "mi", "mnie", "był", "była", "było", "został", "została", "zostało", "przez", "dzień",
        "dobry", "witam", "pozdrawiam", "produkt", "towar", "przesyłka", "przesyłki", "zwrot",
        "pieniądze", "tydzień", "dni", "bardzo", "tylko", "mam", "ma", "jestem", "może",
        "można", "dlaczego", "nadal", "wciąż", "otrzymałem", "otrzymałam", "dostałem",
        "dostałam", "zamówiłem", "zamówiłam", "sprzedawca", "państwo",
    ],
    negators: &["nie", "nigdy", "żaden", "żadna", "żadne", "żadnego", "bez", "nic", "nikt", "ani", "brak"],
    intents: &[
        // Where is the order?
        ("gdzie .. zamówieni*|paczk*|przesyłk*|towar*|zakup*|dostaw*|produkt*", OrderStatus, 2.5),
        ("gdzie_jest|gdzie_są|co_się_dzieje_z|co_z_moim|co_z_moją", OrderStatus, 1.0),
        ("kiedy .. dotrze|dojdzie|przyjdzie|przyjedzie|doręcz*|dostarcz*|wysł*|wyśl*|nadan*|nadadzą|otrzymam|dostanę|będzie|dostawa|wysyłka", OrderStatus, 2.0),
        ("numer_przesyłki|numer_śledzenia|numer_trackingu|numer_listu_przewozowego|list_przewozowy|link_do_śledzenia|numer_paczki|numer_nadania", OrderStatus, 2.5),
        ("śledzeni*|tracking|śledzić", OrderStatus, 1.5),
        ("status .. zamówieni*|przesyłk*|paczk*", OrderStatus, 2.5),
        ("jeszcze_nie|nadal_nie|wciąż_nie|ciągle_nie|dalej_nie|do_tej_pory_nie|do_dziś_nie .. dotarł*|doszł*|doszedł|przyszł*|przyszedł|otrzymał*|dostał*|wysłan*|doręczon*|dostarczon*", OrderStatus, 2.0),
        ("!dotarł*|doszł*|doszedł|przyszł*|przyszedł|wysłan*|nadan*|doręczon*|dostarczon*|przyjechał*", OrderStatus, 1.5),
        ("stoi|utknęł*|utknął|bez_zmian|nie_rusza|brak_aktualizacji|cło|urząd_celny|odprawa|w_drodze|w_transporcie|sortowni*|w_doręczeniu", OrderStatus, 1.5),
        ("miał*|powinn* .. dotrzeć|przyjść|być|dojść|dostarczon*|doręczon*", OrderStatus, 2.0),
        ("termin_dostawy|czas_dostawy|przewidywana_dostawa|opóźnien*|spóźni*|opóźnion*", OrderStatus, 1.2),
        ("zwrócon*_do_nadawcy|wróciła_do_was|wrócił_do_was|ponownie_wysłać|wysłać_ponownie|ponowna_wysyłka|wyślijcie_jeszcze_raz|wysłać_jeszcze_raz", OrderStatus, 2.0),
        ("już .. wysłan*|nadan*|wyszł*|wysłali", OrderStatus, 2.0),
        ("został*|zostało .. anulowan*", OrderStatus, 1.5),
        ("dlaczego .. anulowan*", OrderStatus, 1.5),
        ("kurier|inpost|poczta|listonosz|dpd|paczkomat", OrderStatus, 0.6),

        // Marked delivered but not here; lost.
        ("nigdy .. dotarł*|doszł*|doszedł|otrzymał*|dostał*|przyszł*|przyszedł", NotReceived, 3.0),
        ("status|pokazuje|widnieje|oznaczon*|według|śledzenie|system .. doręczon*|dostarczon*|odebran*", NotReceived, 1.8),
        ("doręczon*|dostarczon*|odebran* .. ale|jednak|nie|nic|brak", NotReceived, 2.0),
        ("!otrzymał*|dostał*|odebrał*", NotReceived, 1.5),
        ("zagubion*|zgubion*|zaginął|zaginęła|zaginion*|skradzion*|ukradzion*|zniknął|zniknęła|przepadł*", NotReceived, 2.5),
        ("skrzynk*|sąsiad*|punkt_odbioru|portier*|recepcj*", NotReceived, 1.0),
        ("pusta_paczka|puste_pudełko|pusty_karton|paczka_była_pusta|pudełko_było_puste|karton_był_pusty", NotReceived, 2.0),
        ("doręczon*|dostarczon*|zostawion* .. inny|inna|złego|zły|inną|innego|niewłaściw* .. adres*|osob*|dom*", NotReceived, 3.0),
        ("podpis .. nie_mój|sfałszowan*", NotReceived, 2.0),
        ("nie_podpisywał*", NotReceived, 2.0),

        // Returns.
        ("zwrot", ReturnRequest, 1.5),
        ("zwrócić|odesłać|oddać|odstąpi*|odstąpienie|zwracam|odsyłam|zwrotu_towaru", ReturnRequest, 2.0),
        ("etykiet*_zwrot*|formularz_zwrot*|adres_do_zwrotu|numer_zwrotu|procedur*_zwrotu|prawo_do_zwrotu|odstąpienie_od_umowy|zwrot_towaru|zwrotu_towaru", ReturnRequest, 2.5),
        ("jak .. zwrócić|zwrot|odesłać|wymienić|oddać", ReturnRequest, 2.5),
        ("chcę|chciał*|chce|mogę|moge|proszę|prosze .. zwrócić|zwrot|odesłać|wymienić|wymian*|oddać", ReturnRequest, 2.0),
        ("wymian*|wymienić|zamian*|nowy_egzemplarz|nową_sztukę|nowy_produkt|nowe", Remedy, 1.5),
        ("zwrot_pieniędzy|zwrot_środków|zwrot_kosztów|oddajcie_pieniądze|moje_pieniądze|pieniądze_z_powrotem|zwrócić_pieniądze|refundacj*|zwrot_należności|zwrot_kasy", Remedy, 2.0),
        ("pieniądz*|pieniędz*", Remedy, 0.5),
        ("za_mały|za_mała|za_małe|za_duży|za_duża|za_duże|za_ciasn*|za_luźn*|za_krótk*|za_długi*|nie_pasuje|inny_rozmiar|większy_rozmiar|mniejszy_rozmiar|inny_kolor", ReturnRequest, 1.5),
        ("nie_podoba|nie_spodobał*|nie_odpowiada|niezgodn*_z_opisem|niezgodny_ze_zdjęciem|inny_niż_na_zdjęciu|nie_taki_jak|zmieniłem_zdanie|zmieniłam_zdanie|rozmyśliłem|rozmyśliłam|niepotrzebn*", ReturnRequest, 1.5),

        // Where is the refund?
        ("gdzie .. zwrot_pieniędzy|pieniądze|środki|refundacj*", RefundStatus, 2.5),
        ("kiedy .. zwrot|pieniądze|środki|zwrócicie|oddacie|refundacj*|zaksięgowan*|zwrotu", RefundStatus, 2.5),
        ("zwrot|pieniądze|środki .. jeszcze|nadal|wciąż|status|zaksięgowan*|przetworzon*|zlecon*|wpłynęł*|wpłynął|zatwierdzon*", RefundStatus, 2.0),
        ("!otrzymał*|dostał*|wpłynęł*|wpłynął|widzę .. zwrot*|pieniądz*|pieniędz*|środk*", RefundStatus, 2.5),
        ("!zwrot*|pieniądz*|pieniędz*|środk* .. wpłynęł*|wpłynął|dotarł*|otrzymał*|zaksięgowan*", RefundStatus, 2.5),
        ("czekam|czekamy|oczekuję .. zwrot*|pieniądz*|pieniędz*|środk*", RefundStatus, 3.0),
        ("obiecan*|obiecaliście .. zwrot|pieniądze", RefundStatus, 2.5),
        ("odesłałem|odesłałam|zwróciłem|zwróciłam|już_odesłał*|otrzymaliście_zwrot|zwrot_dotarł|paczka_zwrotna_dotarła|odebraliście", RefundStatus, 1.5),

        // Broken, defective.
        ("uszkodzon*|zepsut*|zepsuł*|wadliw*|wada|wady|uszkodzenie|uszkodzenia|pęknięt*|pękł*|popękan*|porysowan*|zarysowan*|rysy|rysa|wgniecion*|wgniecenie|pogięt*|rozdart*|rozerwan*|cieknie|przecieka|wyciek*|zniszczon*|połaman*|złamany|złaman*|rozbit*|stłuczon*|przeterminowan*|spleśniał*|zardzewiał*|niesprawn*|usterka|usterki|defekt", DamagedDefective, 2.5),
        ("!działa|działają|włącza|ładuje|uruchamia|łączy|reaguje|gra|grzeje|chłodzi|drukuje|czyta|świeci", DamagedDefective, 2.0),
        ("przestał*_działać|przestało_działać|już_nie_działa|popsuł*|zepsuł*_się|padł*|nie_daje_oznak_życia", DamagedDefective, 3.0),
        ("brak_dźwięku|nie_ma_dźwięku|brak_obrazu|brak_zasilania|brak_sygnału", DamagedDefective, 2.0),
        ("bateri*|akumulator* .. rozładowuje|spuchnięt*|nie_trzyma|padnięt*", DamagedDefective, 2.5),
        ("ekran .. czarny|pęknięty|migocze|pasy|nie_działa", DamagedDefective, 2.0),
        ("migocze|mruga|przegrzewa|nagrzewa|hałasuje|szumi|buczy|trzeszczy|kod_błędu|wyłącza_się|restartuje|rozłącza|zawiesza|dymi|iskrzy", DamagedDefective, 1.5),
        ("błąd|problem_z", DamagedDefective, 0.8),
        ("przyszedł|przyszła|przyszło|dotarł*|doszł*|doszedł|otrzymał*|dostał*|przyjechał* .. uszkodzon*|zepsut*|rozbit*|pęknięt*|porysowan*|otwart*|mokr*|używan*|połaman*|zgniecion*", DamagedDefective, 3.0),
        ("karton|opakowanie|paczka|pudełko .. uszkodzon*|zgniecion*|rozdart*|otwart*|mokr*|rozerwan*", DamagedDefective, 2.0),
        ("brak|brakuje|brakowało|nie_było .. części|elementu|elementów|śrub*|akcesori*|kabla|ładowarki|instrukcji|pilota|pokrywki|baterii|zasilacza", DamagedDefective, 2.0),
        ("gwarancj*|reklamacj*|rękojmi*|naprawa|naprawić|serwis", DamagedDefective, 1.5),
        ("słaba_jakość|kiepska_jakość|tandeta|tandetn*|niska_jakość", DamagedDefective, 1.2),
        ("używan*|otwierany|otwierane|odnowion*", DamagedDefective, 1.2),

        // Wrong item.
        ("zły|zła|złe|złego|niewłaściw*|błędn*|pomylon* .. produkt|towar|rozmiar|kolor|model|wersj*|przedmiot|artykuł|paczk*", WrongItem, 3.0),
        ("~otrzymał*|dostał*|przyszedł|przyszła|przyszło|przysłali|wysłali|przysłaliście|wysłaliście .. inny|inna|inne|innego|zły|zła|złe|niewłaściw*", WrongItem, 2.5),
        ("nie_to_co_zamówił*|nie_to_co_zamawiał*|nie_to_co_kupił*|nie_moje_zamówienie|pomylili|pomyliliście|zamieniony|zamienione", WrongItem, 3.0),
        ("pomyłka", WrongItem, 1.5),
        ("zamiast", WrongItem, 1.2),
        ("~zamówił*|zamawiał*|kupił*|zapłacił* .. a|ale .. przyszedł|przyszła|przyszło|dostał*|otrzymał*|przysłali|wysłali", WrongItem, 2.5),

        // Cancel.
        ("anul*|rezygn*|zrezygnować|odwołać|odwołanie|cofnąć_zamówienie|wycofać", CancelOrder, 2.5),
        ("zamówił*|kupił*|zamówienie .. przez_pomyłkę|omyłkowo|przypadkowo|przez_przypadek|dwa_razy|podwójnie|zdublowan*", CancelOrder, 2.0),
        ("przez_pomyłkę|omyłkowo|przypadkowo|przez_przypadek .. zamówił*|kupił*", CancelOrder, 2.0),
        ("proszę_nie_wysyłać|nie_wysyłać|nie_wysyłajcie|wstrzymać_wysyłkę", CancelOrder, 2.5),
        ("wstrzymać|zatrzymać .. wysyłk*|zamówieni*", CancelOrder, 2.5),
        ("już_nie_potrzebuję|nie_potrzebuję_już|znalazłem_taniej|znalazłam_taniej", CancelOrder, 1.5),

        // Address.
        ("zmien*|zmian*|popraw*|aktualizow*|zaktualizow* .. adres*|kod_pocztowy|numer_domu|numer_mieszkania|ulic*", ChangeAddress, 3.0),
        ("adres* .. błędn*|zły|złego|niepoprawn*|nieaktualn*|stary|nowy|zmienił*|pomyłk*", ChangeAddress, 2.0),
        ("nowy_adres|inny_adres|zmiana_adresu|przeprowadz*", ChangeAddress, 2.0),
        ("adres*", ChangeAddress, 0.5),
        ("wysłać|dostarczyć .. do_pracy|do_biura|zamiast", ChangeAddress, 1.0),

        // Product questions.
        ("kompatybiln*|pasuje_do|pasuje_na|działa_z|współpracuje_z|obsługuje|nadaje_się", ProductQuestion, 2.0),
        ("jak .. używać|używa*|zainstalować|skonfigurować|ustawić|zresetować|połączyć|sparować|ładować|naładować|czyścić|prać|zamontować|złożyć|włączyć|uruchomić|działa", ProductQuestion, 2.0),
        ("jaki_rozmiar|tabela_rozmiarów|wymiary|waga|materiał|skład|specyfikacj*|pojemność|napięcie|czas_pracy|wodoodporn*|dostępn*|na_stanie|w_zestawie|zawiera|instrukcj*|różnica_między|jakie_kolory|ile", ProductQuestion, 1.5),
        ("rozmiar", ProductQuestion, 1.0),
        ("przed_zakupem|zanim_kupię|zanim_zamówię|jestem_zainteresowan*|chcę_kupić", ProductQuestion, 1.5),
        ("pytanie|mam_pytanie|pytanie_o", ProductQuestion, 1.0),

        // Invoice.
        ("faktur*", InvoiceRequest, 3.0),
        ("paragon|rachunek|faktura_vat|dowód_zakupu|faktura_korygująca|dane_do_faktury", InvoiceRequest, 2.5),
        ("nip|vat|korekta", InvoiceRequest, 1.5),

        // Complaints.
        ("skandal*|żenad*|porażka|masakra|dramat|kpina|kpiny|oszust*|oszukan*|złodziej*|naciągacz*|naciąganie|kłamstw*|kłamc*|brak_profesjonalizmu|nieprofesjonaln*|niedopuszczaln*|nieakceptowaln*|najgorsz*|fatalny|fatalnie|tragedia|tragiczn*|beznadziejn*|karygodn*|bezczeln*|lekceważenie", Complaint, 1.2),
        ("skarg*|zażalenie", Complaint, 2.5),
        ("nikt .. odpowiada|odpisuje|pomaga|reaguje", Complaint, 2.0),
        ("brak_odpowiedzi|bez_odpowiedzi|nie_odpowiadacie|nie_odpisujecie|ignorujecie|ignorowan*", Complaint, 1.8),
        ("obsług* .. fataln*|tragiczn*|beznadziejn*|żadn*|skandaliczn*", Complaint, 2.0),
        ("nigdy_więcej", Complaint, 1.5),
        ("podróbk*|podrób*|fałszywk*|fałszywy|podrobion*", Complaint, 1.5),
        ("rozczarowan*|zawiedzion*|zdenerwowan*|wściekł*|wkurzon*|niezadowolon*", Complaint, 0.8),
        ("kolejny_raz|po_raz_kolejny|trzeci_raz|wielokrotnie|kilka_razy", Complaint, 1.2),

        // Thanks, all good.
        ("dziękuję|dzięki|dziękujemy|serdecznie_dziękuję", Other, 0.6),
        ("dotarł*|przyszł*|przyszedł|otrzymał*|dostał*|odebrał* .. dziękuję|dzięki|wszystko_ok|w_porządku|idealn*|dzisiaj|dziś|wczoraj|szybko|w_całości|cał*", Other, 1.5),
        ("wszystko_ok|wszystko_w_porządku|wszystko_gra|sprawa_załatwiona|problem_rozwiązany|już_działa|działa_już|działa_dobrze|nie_ma_problemu|proszę_zignorować", Other, 2.0),
        ("super|świetn*|rewelacj*|doskonał*|idealn*|zadowolon*|polecam|bardzo_dobrze|wspaniał*", Other, 0.8),
        ("wesołych_świąt|szczęśliwego_nowego_roku|miłego_dnia|udanego_dnia|miłego_weekendu", Other, 1.0),
        ("5_gwiazdek|pięć_gwiazdek|pozytywn*_opini*|pozytywny_komentarz", Other, 1.0),
    ],
    sentiment: &[
        ("skandal*|żenad*|porażka|masakra|tragedia|tragiczn*|najgorsz*|fataln*|beznadziejn*|karygodn*", -2.0),
        ("oszust*|oszukan*|złodziej*|naciąga*|kłamstw*|kpina|kpiny|niedopuszczaln*|bezczel*", -1.8),
        ("rozczarowan*|zawiedzion*|zdenerwowan*|wściekł*|wkurzon*|niezadowolon*|nigdy_więcej|nieprofesjonaln*", -1.5),
        ("zły|zła|złe|słab*|kiepsk*|tandet*|badziew*|szmelc", -1.0),
        ("niestety|szkoda", -0.6),
        ("już|minęł*|minął|ponad|prawie|od .. # dni|dzień|tygodni*|tydzień|miesiąc*", -1.0),
        ("nadal_czekam|wciąż_czekam|ciągle_czekam|dalej_czekam|czekam_już|nadal_nic|wciąż_nic", -1.0),
        ("opóźnien*|spóźni*|stoi|utknęł*", -0.8),
        ("niezgodn*_z_opisem|inny_niż_na_zdjęciu", -1.0),
        ("dlaczego .. nie|nadal|wciąż|nikt|nigdy", -0.6),
        ("pilne|pilnie|natychmiast|niezwłocznie", -0.4),
        ("dziękuję|dzięki", 0.5),
        ("super|świetn*|rewelacj*|doskonał*|idealn*|wspaniał*|genialn*", 1.2),
        ("zadowolon*|szczęśliw*|zachwycon*", 1.0),
        ("dobr*|fajn*", 0.3),
        ("szybk*|miła|mił*|uprzejm*|pomocn*", 0.5),
        ("polecam|5_gwiazdek|pięć_gwiazdek", 1.0),
    ],
    escalations: &[
        ("spór|dyskusj*|zgłoszenie|reklamacj* .. allegro|amazon|ebay|paypal|platform*", Claim),
        ("otworzyć|otworzę|złożyć|złożę|założę|założyć .. spór|dyskusj*|zgłoszenie|sprawę", Claim),
        ("program_ochrony_kupujących|ochrona_kupującego|ochrony_kupujących|gwarancja_a_z|a_do_z|spór", Claim),
        ("zgłoszę|zgłosić|zgłaszam .. allegro|amazon|ebay|platform*|sprzedawc*|aukcj*|ofert*", Claim),
        ("chargeback|obciążenie_zwrotne|procedura_chargeback", Chargeback),
        ("bank|bank* .. zwrot|reklamacj*|zgłoszę|zgłosić|cofnąć|zablokować|chargeback", Chargeback),
        ("karta|kartę|transakcj* .. reklamacj*|cofnąć|zakwestionować|reklamować", Chargeback),
        ("negatywn*|zł*|słab* .. opini*|komentarz*|ocen*|recenzj*", BadReview),
        ("wystawię|wystawić|dam|dać .. negatyw|negatywn*|jedną_gwiazdkę|1_gwiazdkę", BadReview),
        ("ostrzegę|ostrzec|ostrzegam .. innych|kupujących|klientów", BadReview),
        ("media_społecznościowe|facebook|instagram|tiktok|youtube|trustpilot|ceneo|opineo", BadReview),
        ("prawnik*|adwokat*|radca_prawn*|sąd|sądu|sądzie|pozew|pozwę|pozwać|sprawa_sądowa|na_drogę_sądową|droga_sądowa|kroki_prawne|policj*|prokuratur*|uokik|rzecznik_konsumentów|rzecznik_praw_konsumenta|rzecznika_konsumentów|inspekcja_handlowa|federacja_konsumentów", Legal),
        ("pożar|ogień|płomień|płomienie|zapalił*|zapłon*|dym|dymi|dymił*|wybuch*|eksplod*|iskr*|porażenie|kopnął_prąd|kopie_prądem|przegrzewa|przegrzał*|spalon*|swąd|zapach_spalenizny|niebezpieczn*|zagrożenie|poparzenie|poparzył*|zranił*|skaleczył*|reakcja_alergiczna|toksyczn*|szpital*", Safety),
    ],
};
