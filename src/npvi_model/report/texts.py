"""Every word the report shows, in English (`en`) and Dutch (`nl`).

Dutch uses the terms policy staff use (ontwikkelpad, netcongestie, vollooprisico, no-regret,
toegang tot groene energie). `t(key, lang)` returns the text; a key missing in Dutch falls back
to English, a key missing in both raises KeyError (a typo must not reach a reader).
"""

from __future__ import annotations

from npvi_model.report.texts_figures import FIGURE_TEXTS

LANGS = ("en", "nl")

TEXTS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ page
    "title": {
        "en": "NPVI model: green energy for the industry clusters",
        "nl": "NPVI-model: groene energie voor de industrieclusters",
    },
    "intro": {
        "en": "This report confronts the demand of the industry clusters for electricity, "
        "hydrogen and CO2 transport with the supply and infrastructure that can be built in "
        "time, for each development path. It opens with the answers; the sections after it "
        "show how they come about.",
        "nl": "Dit rapport zet de vraag van de industrieclusters naar elektriciteit, waterstof "
        "en CO2-transport af tegen het aanbod en de infrastructuur die op tijd gebouwd kunnen "
        "worden, per ontwikkelpad. Het begint met de antwoorden; de hoofdstukken daarna laten "
        "zien hoe ze tot stand komen.",
    },
    "key_messages": {"en": "Key messages", "nl": "Kernboodschappen"},
    "path": {"en": "Path", "nl": "Ontwikkelpad"},
    "contents": {"en": "Contents", "nl": "Inhoud"},
    "runs": {"en": "Runs shown", "nl": "Getoonde berekeningen"},
    "generated": {"en": "Generated", "nl": "Gemaakt op"},
    "solver_status": {"en": "solver status", "nl": "status solver"},
    "input": {"en": "input", "nl": "invoer"},
    "first_rows": {"en": "first {n} of {total} rows", "nl": "eerste {n} van {total} rijen"},
    "none": {"en": "none", "nl": "geen"},
    "svg": {"en": "SVG", "nl": "SVG"},
    "across_paths": {"en": "Across the paths", "nl": "Over de paden heen"},
    "fits_best": {
        "en": "Of the paths shown, {name} fits best what can be delivered in {span}: "
        "{share} of its electricity and hydrogen demand falls back to fossil supply there.",
        "nl": "Van de getoonde paden past {name} het best bij wat in {span} geleverd kan "
        "worden: daar valt {share} van de vraag naar elektriciteit en waterstof terug op "
        "fossiel aanbod.",
    },
    "no_regret_now": {
        "en": "Every path builds by {year}: {items}.",
        "nl": "Elk pad bouwt tot {year}: {items}.",
    },
    "no_regret_none": {
        "en": "No new capacity is common to all paths by {year}.",
        "nl": "Geen nieuwe capaciteit is tot {year} in alle paden gelijk.",
    },
    # ------------------------------------------------------------------ questions
    "q_access": {
        "en": "Who gets green energy when",
        "nl": "Wie krijgt wanneer groene energie",
    },
    "q_not_in_time": {"en": "What does not fit in time", "nl": "Wat past niet op tijd"},
    "q_bottlenecks": {"en": "Top bottlenecks", "nl": "Grootste knelpunten"},
    "q_emissions": {"en": "Emissions in 2030", "nl": "Uitstoot in 2030"},
    "q_build_now": {"en": "What to build now", "nl": "Wat nu te bouwen"},
    # ------------------------------------------------------------------ sentences
    "access_carrier": {"en": "Green {carrier}: {groups}.", "nl": "Groene {carrier}: {groups}."},
    "access_from": {"en": "{clusters} from {year}", "nl": "{clusters} vanaf {year}"},
    "access_never": {
        "en": "{clusters} not by the last model year",
        "nl": "{clusters} niet vóór het laatste modeljaar",
    },
    "access_threshold": {
        "en": "(Access: at least {share} of demand met green.)",
        "nl": "(Toegang: minstens {share} van de vraag groen gedekt.)",
    },
    "gap_none": {
        "en": "In {span} all electricity and hydrogen demand is met green.",
        "nl": "In {span} wordt alle vraag naar elektriciteit en waterstof groen gedekt.",
    },
    "gap_some": {
        "en": "In {span}, {per_carrier} of green demand cannot be delivered in time (delivery "
        "gap, {share} of demand); it falls back to the fossil route.",
        "nl": "In {span} kan {per_carrier} van de groene vraag niet tijdig geleverd worden "
        "(leveringsgat, past niet tijdig: {share} van de vraag); dat valt terug op de fossiele "
        "route.",
    },
    "gap_largest": {
        "en": "Largest: {carrier} in {cluster}, {value} in {year}.",
        "nl": "Het grootst: {carrier} in {cluster}, {value} in {year}.",
    },
    "target_missed": {
        "en": "The {target} target for {year} is missed: {capacity} built against {goal}.",
        "nl": "Het doel voor {target} in {year} wordt niet gehaald: {capacity} gebouwd tegen "
        "{goal}.",
    },
    "target_electrolysis_gw": {"en": "electrolysis", "nl": "elektrolyse"},
    "target_offshore_wind_gw": {
        "en": "offshore wind (industry share)",
        "nl": "wind op zee (aandeel industrie)",
    },
    "bottlenecks": {
        "en": "The limits worth most: {items}.",
        "nl": "De knelpunten met de hoogste waarde: {items}.",
    },
    "bottleneck_item": {
        "en": "{label} in {year} ({value} per {unit} per year)",
        "nl": "{label} in {year} ({value} per {unit} per jaar)",
    },
    "bottlenecks_none": {
        "en": "No capacity limit binds in any year.",
        "nl": "Geen enkele capaciteitsgrens knelt, in geen enkel jaar.",
    },
    "emissions": {
        "en": "Industry emits {value} CO2 in {year}.",
        "nl": "De industrie stoot in {year} {value} CO2 uit.",
    },
    "emissions_no_target": {
        "en": "There is no target for that year.",
        "nl": "Voor dat jaar is er geen doel.",
    },
    "cap_binding": {
        "en": "That is exactly the scenario's cap of {cap}: the cap does the work. It is a soft "
        "cap that could be exceeded at {penalty}; the model reduces emissions down to it "
        "because that is cheaper than the penalty.",
        "nl": "Dat is precies het plafond van het scenario, {cap}: het plafond doet het werk. "
        "Het is een zacht plafond dat tegen {penalty} overschreden mag worden; het model "
        "verlaagt de uitstoot tot het plafond omdat dat goedkoper is dan de boete.",
    },
    "cap_missed": {
        "en": "That is {gap} above the scenario's cap of {cap}: reducing further costs more "
        "than the penalty of {penalty}, so the model pays it ({paid} that year).",
        "nl": "Dat is {gap} boven het plafond van het scenario, {cap}: verder verlagen kost "
        "meer dan de boete van {penalty}, dus het model betaalt die ({paid} in dat jaar).",
    },
    "cap_slack": {
        "en": "That is below the scenario's cap of {cap}: the cap does not bind.",
        "nl": "Dat is onder het plafond van het scenario, {cap}: het plafond knelt niet.",
    },
    "target_met": {
        "en": "That meets the policy target of {target} (no cap in the scenario).",
        "nl": "Daarmee wordt het beleidsdoel van {target} gehaald (geen plafond in het scenario).",
    },
    "target_gap": {
        "en": "That misses the policy target of {target} by {gap} (no cap in the scenario).",
        "nl": "Daarmee wordt het beleidsdoel van {target} met {gap} gemist (geen plafond in het "
        "scenario).",
    },
    "emissions_causes": {"en": "By cause: {causes}.", "nl": "Naar oorzaak: {causes}."},
    "captured": {
        "en": "{value} CO2 is captured and stored.",
        "nl": "{value} CO2 wordt afgevangen en opgeslagen.",
    },
    "build_now": {
        "en": "To have in service by {year}, beyond what exists at the start: {items}.",
        "nl": "In bedrijf tegen {year}, bovenop wat er aan het begin staat: {items}.",
    },
    "build_by_model": {
        "en": "Of this, the model itself chooses (the rest is committed projects): {items}.",
        "nl": "Daarvan kiest het model zelf (de rest zijn vastgelegde projecten): {items}.",
    },
    "build_none": {
        "en": "No capacity is added by {year} beyond what exists at the start.",
        "nl": "Tot {year} komt er geen capaciteit bij bovenop wat er aan het begin staat.",
    },
    "cause_other_processes": {"en": "other processes", "nl": "overige processen"},
    "cause_assumed_process_abatement": {
        "en": "assumed process abatement",
        "nl": "aangenomen procesreductie",
    },
    "cause_electrification_credit": {
        "en": "assumed electrification credit",
        "nl": "aangenomen elektrificatiekrediet",
    },
    "cause_electricity_fallback": {
        "en": "missing green electricity",
        "nl": "ontbrekende groene elektriciteit",
    },
    "cause_hydrogen_fallback": {
        "en": "missing green hydrogen",
        "nl": "ontbrekende groene waterstof",
    },
    "cause_co2_not_captured": {
        "en": "missing CO2 transport/storage",
        "nl": "ontbrekend CO2-transport/opslag",
    },
    "carrier_electricity": {"en": "electricity", "nl": "elektriciteit"},
    "carrier_hydrogen": {"en": "hydrogen", "nl": "waterstof"},
    "carrier_co2": {"en": "CO2", "nl": "CO2"},
    # ------------------------------------------------------------------ sections
    "s_gaps": {
        "en": "Delivery gap and cost gap",
        "nl": "Leveringsgat en onrendabele top",
    },
    "s_gaps_text": {
        "en": "Two different gaps. The delivery gap (past niet tijdig) is green demand that "
        "cannot be met because supply or infrastructure cannot be there in time; it falls back "
        "to the fossil route and emits. The cost gap (onrendabele top) is how much dearer the "
        "green supply that can be delivered is than the fossil route, per MWh or tonne "
        "(negative: green is cheaper). The green cost is the model's price: what a little less "
        "demand would save, so where the optimum leaves a range of prices, its low end. Tables "
        "are per unit; see docs/gaps.md.",
        "nl": "Twee verschillende gaten. Het leveringsgat (past niet tijdig) is groene vraag "
        "die niet gedekt kan worden omdat aanbod of infrastructuur er niet op tijd is; die valt "
        "terug op de fossiele route en stoot uit. De onrendabele top is hoeveel duurder het "
        "groene aanbod dat wel geleverd kan worden is dan de fossiele route, per MWh of ton "
        "(negatief: groen is goedkoper). De groene kosten zijn de prijs in het model: wat iets "
        "minder vraag zou besparen, dus waar het optimum een bandbreedte van prijzen laat, de "
        "onderkant daarvan. De tabellen zijn per eenheid; zie docs/gaps.md.",
    },
    "s_access": {
        "en": "Which clusters get green energy, and when",
        "nl": "Welke clusters hebben wanneer toegang tot groene energie",
    },
    "s_access_text": {
        "en": "The share of each cluster's demand met by green supply, per model year. A tick "
        "marks the years in which the share reaches the access threshold; the first such year "
        "is the year the cluster gets access. Allocation rule: {rule}",
        "nl": "Het aandeel van de vraag van elk cluster dat groen gedekt wordt, per modeljaar. "
        "Een vinkje markeert de jaren waarin het aandeel de drempel voor toegang haalt; het "
        "eerste zo'n jaar is het jaar waarin het cluster toegang krijgt. Toedeling: {rule}",
    },
    "s_supply": {"en": "Demand and supply per cluster", "nl": "Vraag en aanbod per cluster"},
    "s_supply_text": {
        "en": "Where electricity, hydrogen and captured CO2 come from, per cluster and year. "
        "The black dash is the cluster's own demand; for electricity the open dash adds the "
        "electricity its electrolysers use. The hatched part (fossil fallback) is demand green "
        "supply could not meet.",
        "nl": "Waar elektriciteit, waterstof en afgevangen CO2 vandaan komen, per cluster en "
        "jaar. Het zwarte streepje is de eigen vraag van het cluster; bij elektriciteit telt "
        "het open streepje het verbruik van de elektrolysers erbij op. Het gearceerde deel "
        "(fossiele terugval) is vraag die groen aanbod niet kon dekken.",
    },
    "s_capacity": {
        "en": "Capacity against the policy targets",
        "nl": "Capaciteit tegen de beleidsdoelen",
    },
    "s_capacity_text": {
        "en": "Electrolysis capacity (onshore and at sea, GW electricity input) and offshore "
        "wind capacity for industry in each path, against the targets. Electrolysis: 0.5, 4 "
        "and 8 GW in 2025, 2030 and 2032. Offshore wind: the national roadmap (21 GW around "
        "2032, 50 GW in 2040, 70 GW in 2050) times the industry share of {share}, the part of "
        "the national wind the scenario reserves for industry; so the targets plotted are "
        "{targets}. Where a target year is not a model year, capacity is interpolated.",
        "nl": "Elektrolysecapaciteit (op land en op zee, GW elektrisch) en capaciteit wind op "
        "zee voor de industrie per pad, tegen de doelen. Elektrolyse: 0,5, 4 en 8 GW in 2025, "
        "2030 en 2032. Wind op zee: de nationale routekaart (21 GW rond 2032, 50 GW in 2040, "
        "70 GW in 2050) maal het aandeel industrie van {share}, het deel van de nationale wind "
        "dat het scenario voor de industrie reserveert; de getekende doelen zijn dus "
        "{targets}. Valt een doeljaar niet op een modeljaar, dan is de capaciteit "
        "geïnterpoleerd.",
    },
    "s_bottlenecks": {
        "en": "Bottlenecks: grid congestion and other binding limits",
        "nl": "Knelpunten: netcongestie en andere knellende grenzen",
    },
    "s_bottlenecks_text": {
        "en": "A limit binds when more of it would lower the system cost. Only limits that exist "
        "in that year are ranked; the bar is what one more unit would save in one year, in euro "
        "per unit of the limit, comparable only within one unit. A limit marked (+) may still "
        "be expanded that year: its value is then at most what one more unit costs, unless a "
        "build limit holds the building back. Where an asset does not exist, the value of a "
        "first connection is listed apart, as an upper bound. Grid connection limits show grid "
        "congestion (netcongestie). Where green demand cannot be delivered in time, a limit's "
        "value includes the valuation of the missing green supply (the delivery-first value, "
        "an assumption of the scenario): it then ranks what holds delivery back, not money "
        "saved. The key messages leave out the base year.",
        "nl": "Een grens knelt als meer ervan de systeemkosten zou verlagen. De balk is wat één "
        "eenheid meer een jaar lang waard is, in euro per eenheid van de grens. Waarden zijn "
        "alleen binnen één eenheid vergelijkbaar. Grenzen van netaansluitingen tonen "
        "netcongestie. Waar groene vraag niet tijdig te leveren is, bevat de waarde de "
        "waardering van het ontbrekende groene aanbod (een aanname van het scenario): de "
        "rangorde toont dan wat levering tegenhoudt, niet bespaard geld. De kernboodschappen "
        "laten het basisjaar weg.",
    },
    "s_emissions": {"en": "Emissions against the target", "nl": "Uitstoot tegen het doel"},
    "s_emissions_text": {
        "en": "Industry CO2 emissions per year, split by cause, with the target (dash). Where "
        "the target is a scenario cap, it is soft: exceeding it costs a penalty per tonne, so "
        "emissions exactly at the cap mean the cap does the work.",
        "nl": "CO2-uitstoot van de industrie per jaar, naar oorzaak, met het doel (streepje). "
        "Is het doel een plafond van het scenario, dan is het zacht: overschrijden kost een "
        "boete per ton, dus uitstoot precies op het plafond betekent dat het plafond het werk "
        "doet.",
    },
    "s_paths": {"en": "The development paths compared", "nl": "De ontwikkelpaden vergeleken"},
    "s_paths_text": {
        "en": "Demand that falls back to fossil supply, and emissions, per path. The path that "
        "fits what can be delivered in time has the least fallback in 2030-2035.",
        "nl": "Vraag die terugvalt op fossiel aanbod, en uitstoot, per pad. Het pad dat past "
        "bij wat op tijd geleverd kan worden heeft de minste terugval in 2030-2035.",
    },
    "s_no_regret": {
        "en": "No-regret capacity and stranded-capacity risk (vollooprisico)",
        "nl": "No-regret-capaciteit en vollooprisico",
    },
    "s_no_regret_text": {
        "en": "No-regret capacity is new capacity every path builds by a given year (assets that "
        "already exist are left out): it is needed whichever path happens. Capacity one path "
        "builds beyond another may stand partly idle if the other happens: the vollooprisico. "
        "Tables are per unit.",
        "nl": "No-regret-capaciteit is nieuwe capaciteit die elk pad tot een bepaald jaar bouwt "
        "(bestaande installaties niet meegeteld): die is nodig welk pad er ook komt. Capaciteit "
        "die een pad meer bouwt dan een ander kan deels stil staan als het andere pad "
        "uitkomt: het vollooprisico. De tabellen zijn per eenheid.",
    },
}

TEXTS.update(FIGURE_TEXTS)  # the figures' words (texts_figures.py), keys starting with fig_

CARRIER_WORDS = {"electricity": "carrier_electricity", "hydrogen": "carrier_hydrogen"}

TECH_WORDS: dict[str, dict[str, str]] = {
    "offshore_wind": {"en": "offshore wind", "nl": "wind op zee"},
    "electrolyser": {"en": "electrolysers", "nl": "elektrolysers"},
    "offshore_electrolysis": {"en": "electrolysis at sea", "nl": "elektrolyse op zee"},
    "grid_connection": {"en": "grid connection", "nl": "netaansluiting"},
    "h2_import_terminal": {"en": "hydrogen import terminal", "nl": "importterminal waterstof"},
    "h2_storage": {"en": "hydrogen storage", "nl": "waterstofopslag"},
    "co2_sink": {"en": "CO2 storage", "nl": "CO2-opslag"},
}

#: Dutch names of the limits that are not a technology (their English is the results' own,
#: `extract_limits.PLAIN`); a technology's limit takes its TECH_WORDS name
LIMIT_WORDS_NL: dict[str, str] = {
    "electricity_corridor": "elektriciteitscorridor",
    "h2_pipeline": "backbonetracé",
    "co2_pipeline": "CO2-leiding",
    "offshore_wind_landing": "aanlanding wind op zee",
    "national_offshore_wind": "nationale routekaart wind op zee",
    "power_system_renewable_surplus": "hernieuwbaar overschot van het elektriciteitssysteem",
    "power_system_dispatchable": "regelbaar vermogen van het elektriciteitssysteem",
}


def t(key: str, lang: str = "en") -> str:
    """The text for `key` in `lang` (English when Dutch lacks it)."""
    entry = TEXTS[key]
    return entry.get(lang) or entry["en"]


def carrier_word(carrier: str, lang: str = "en") -> str:
    key = f"carrier_{carrier}"
    return t(key, lang) if key in TEXTS else carrier


def tech_word(tech: str, lang: str = "en") -> str:
    words = TECH_WORDS.get(tech)
    return (words.get(lang) or words["en"]) if words else tech.replace("_", " ")


def figure_word(kind: str, name: str, lang: str = "en") -> str:
    """How a figure labels the id `name` of a `kind` (source, cause, carrier, tech): its
    `fig_<kind>_<name>` text, else the id with spaces."""
    key = f"fig_{kind}_{name}"
    return t(key, lang) if key in TEXTS else name.replace("_", " ")
