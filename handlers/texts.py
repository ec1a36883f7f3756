"""User-facing Swedish texts that are shared between commands."""

from __future__ import annotations

from models.tables import Verdict

HELP_TITLE = "Åtgärdsbot – så här gör du"

HELP_LINES: list[tuple[str, str]] = [
    (
        "/atgard lista [område | grupp | ord | mina | försenade]",
        "visar åtgärderna i planen, eller de som nämner ett ord",
    ),
    ("/atgard visa 1.3", "visar en åtgärd med mål, rytm, ansvariga och senaste uppföljning"),
    (
        "/atgard uppfolj 1.3 [T1 | T2 | T3] [text]",
        "skriver en uppföljning för tertialet som rapporteras nu, eller det du anger;"
        " utan text öppnas ett formulär",
    ),
    (
        "/atgard klar 1.3 [datum | igår] [text]",
        "bockar av en åtgärd, eller ett tillfälle av en återkommande åtgärd",
    ),
    (
        "/atgard mote [grupp] [datum | igår] [1.3 2.1 …]",
        "loggar ett möte i ett formulär, med åtgärderna du nämner förvalda, och lägger ut en"
        " sammanfattning i kanalen",
    ),
    (
        "/atgard mote planera 2025-03-12 [08.30] | auto [skollov]",
        "lägger in planerade möten; auto sprider dem över året, skollov undviker loven",
    ),
    (
        "/atgard status [grupp]",
        "visar hur gruppens (kanalens eller den du nämner) och planens åtgärder ligger till",
    ),
    (
        "/atgard koppla SSP [stadsdel] [år]",
        "kopplar kanalen till en grupp (SSP, EST, Trygghetsrådet eller egen); stadsdel och år"
        " där flera planer finns",
    ),
    ("/atgard ansvarig 1.3 @person", "gör någon ansvarig så att påminnelser når hen"),
    (
        "/atgard rytm 1.3 8/år",
        "sätter rytmen när planens När-text inte går att tolka, till exempel 2/mån eller"
        " linje; `/atgard hjälp rytm` visar fler sätt att skriva den",
    ),
    ("/atgard historik 1.3", "visar vem som ändrat vad"),
    (
        "/atgard angra [1.3]",
        "tar tillbaka din senaste uppföljning, avbockning eller mötesloggning (från den senaste"
        " veckan), eller den senaste för åtgärden du nämner",
    ),
    ("/atgard export [T1 | T2 | T3] [xlsx | html]", "tar fram tertialrapportens underlag"),
]

# `/atgard hjälp <kommando>`: the command's line and more of what can be written.
RHYTHM_HELP = (
    "`/atgard rytm 1.3 8/år` sätter rytmen när planens När-text inte går att tolka:"
    " 2/mån, vår och höst eller läsårsvis. Uppehåll räknas också, till exempel 2/mån utom juli,"
    " 1/vecka uppehåll v. 27–31, 1/vecka utom jul/nyår eller 1 gång/vecka under terminstid;"
    " en start likaså, till exempel 2/mån från och med mars eller linje från 2025-09-01,"
    " och de månader den pågår, till exempel 2/mån mars–juni eller 1/vecka under vårterminen."
    " Påminnelser och takten följer rytmen."
)

HELP_DETAILS: dict[str, str] = {
    "rytm": RHYTHM_HELP,
    "uppfolj": (
        "`/atgard uppfolj 1.3 Två möten hölls i mars` sparar texten för tertialet som"
        " rapporteras nu. Börja med en bedömning om du vill: uppfyllt, delvis, ej uppfyllt,"
        " pågående eller ej bedömd, till exempel `/atgard uppfolj 1.3 delvis Ett av två möten"
        " hölls`. Ett annat tertial skrivs före texten: `/atgard uppfolj 1.3 T1 …`. Utan text"
        " öppnas ett formulär. Skrev du fel: `/atgard angra`."
    ),
    "klar": (
        "`/atgard klar 2.3` bockar av åtgärden i dag, `/atgard klar 2.3 igår` eller"
        " `/atgard klar 2.3 2025-04-10` en annan dag, och en kommentar får följa:"
        " `/atgard klar 2.3 igår Vandring runt Fridhemsplan`. En återkommande åtgärd får ett"
        " tillfälle per avbockning. Fel åtgärd eller dag: `/atgard angra`."
    ),
    "mote": (
        "`/atgard mote` öppnar ett formulär för ett möte i kanalens grupp i dag. Ange gruppen,"
        " dagen och åtgärderna som behandlades i vilken ordning du vill, till exempel"
        " `/atgard mote EST igår 2.1 2.2`. `/atgard mote planera 2025-09-10 08.30` lägger in"
        " ett planerat möte (påminnelse dagarna före), `/atgard mote planera auto skollov`"
        " sprider årets möten utanför skolloven."
    ),
    "lista": (
        "`/atgard lista` visar kanalens grupps åtgärder (alla om kanalen saknar grupp),"
        " `/atgard lista alla` hela planen, `/atgard lista 2` område 2, `/atgard lista område`"
        " vilka områden det finns, `/atgard lista EST` en grupps, `/atgard lista skolbesök`"
        " åtgärder som nämner ett ord, `/atgard lista mina` dina och `/atgard lista försenade`"
        " de som ligger efter."
    ),
    "angra": (
        "`/atgard angra` tar tillbaka det senaste du själv har skrivit, bockat av eller loggat"
        " den senaste veckan; `/atgard angra 1.3` det senaste för åtgärd 1.3. Knappen Ångra"
        " under ett svar tar tillbaka just det. Det som tas bort finns kvar i historiken."
    ),
}

# Both spellings work; the lines above show the one without å, ä and ö.
HELP_NOTE = "Du kan också skriva kommandona med å, ä och ö: /atgard uppfölj, /atgard möte."

VERDICT_LABELS: dict[str, str] = {
    Verdict.UPPFYLLT: "Målet är uppfyllt",
    Verdict.DELVIS: "Delvis uppfyllt",
    Verdict.EJ_UPPFYLLT: "Målet är ej uppfyllt",
    Verdict.PAGAENDE: "Pågående",
    Verdict.EJ_BEDOMD: "Ej bedömd",
}

VERDICT_SYMBOLS: dict[str, str] = {
    Verdict.UPPFYLLT: "🟢",
    Verdict.DELVIS: "🟡",
    Verdict.EJ_UPPFYLLT: "🔴",
    Verdict.PAGAENDE: "🟡",
    Verdict.EJ_BEDOMD: "⚪",
}

LIST_FILTER_HELP = (
    "Skriv `/atgard lista` för alla, `/atgard lista 2` för område 2, `/atgard lista SSP` för"
    " en grupp, `/atgard lista skolbesök` för åtgärder som nämner ett ord, `/atgard lista mina`"
    " eller `/atgard lista försenade`."
)

NOT_RESPONSIBLE = (
    "Du är inte ansvarig för någon åtgärd. En samordnare kan lägga till dig med"
    " `/atgard ansvarig 1.3 @du`."
)

# The audit trail's actions and entities as people read them (a measure's history,
# `atgard audit`); the stored codes stay as they are for scripts (`--json`).
AUDIT_ACTIONS: dict[str, str] = {
    "import": "inläst från Excel",
    "uppfoljning": "uppföljning",
    "genomford": "markerad genomförd",
    "rytm": "rytm ändrad",
    "ansvarig": "ansvariga ändrade",
    "nekad": "nekad",
    "export": "export",
    "koppla": "kanal kopplad",
    "frikopplad": "kanal frikopplad (nås inte längre)",
    "mote": "möte loggat",
    "angrad": "ångrad",
    "planera_mote": "möten planerade",
    "skollov": "skollov undviks",
    "paminnelse_aterhamtad": "påminnelse återhämtad",
    "paminnelse_aterupptagen": "påminnelse återupptagen",
    "paminnelse_inaktuell": "påminnelse inaktuell",
    "paminnelse_misslyckad": "påminnelse misslyckad",
    "utskick_aterupptagna": "utskick återupptagna",
    "utskick_pausade": "utskick pausade",
    "veckobrev_misslyckat": "veckobrev misslyckat",
}
AUDIT_ENTITIES: dict[str, str] = {
    "plan": "plan",
    "measure": "åtgärd",
    "group": "grupp",
    "reminder": "påminnelse",
    "plattform": "plattform",
    "personal_data": "personnummer",
    "permission": "behörighet",
}

UNAVAILABLE = "Tjänsten är tillfälligt otillgänglig, försök igen om en stund."
UNEXPECTED = (
    "Något gick fel hos Åtgärdsbot. Inget sparades. Försök igen, eller kontakta samordnaren."
)


def verdict_label(verdict: str | None) -> str:
    return VERDICT_LABELS.get(verdict or Verdict.EJ_BEDOMD, "Ej bedömd")


def unknown_command(word: str) -> str:
    return f"Jag känner inte igen ”{word}”. Här är det du kan skriva:"
