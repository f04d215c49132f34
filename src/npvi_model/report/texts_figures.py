"""Every word the report's figures show (axis labels, legends, titles), in English and Dutch.

Part of the report's one text table: `texts.TEXTS` takes these entries in, so `t(key, lang)`
reads them like any other text. Keys start with `fig_`. `fig_<kind>_<name>` entries name the
things a figure labels by their id: supply sources, emission causes, carriers and
technologies; `figure_word` falls back to the id with spaces for an id without an entry. The
English texts are the figures' labels as they were before Dutch came in, so English figures
stay the same (the emission causes are `analysis.CAUSE_LABELS`, checked in a test).
"""

from __future__ import annotations

FIGURE_TEXTS: dict[str, dict[str, str]] = {
    # ------------------------------------------------------------------ shared
    "fig_per_year": {"en": "{unit} per year", "nl": "{unit} per jaar"},
    "fig_year": {"en": "year", "nl": "jaar"},
    "fig_target": {"en": "target", "nl": "doel"},
    # ------------------------------------------------------------------ supply per cluster
    "fig_demand": {"en": "demand", "nl": "vraag"},
    "fig_demand_electrolysers": {
        "en": "demand + electrolysers",
        "nl": "vraag + elektrolysers",
    },
    "fig_fossil_source": {"en": "{source} (fossil)", "nl": "{source} (fossiel)"},
    "fig_supply_title": {
        "en": "{carrier}: supply by source per cluster — {name}",
        "nl": "{carrier}: aanbod naar bron per cluster — {name}",
    },
    "fig_supply_caption": {"en": "{carrier}: {name}", "nl": "{carrier}: {name}"},
    "fig_source_offshore_wind": {"en": "offshore wind", "nl": "wind op zee"},
    "fig_source_grid": {"en": "grid", "nl": "elektriciteitsnet"},
    "fig_source_corridor_net_import": {
        "en": "corridor net import",
        "nl": "netto-import via corridor",
    },
    "fig_source_electrolysis": {"en": "electrolysis", "nl": "elektrolyse"},
    "fig_source_offshore_electrolysis": {
        "en": "offshore electrolysis",
        "nl": "elektrolyse op zee",
    },
    "fig_source_import_terminal": {"en": "import terminal", "nl": "importterminal"},
    "fig_source_backbone_net_import": {
        "en": "backbone net import",
        "nl": "netto-import via de backbone",
    },
    "fig_source_storage_net_discharge": {
        "en": "storage net discharge",
        "nl": "netto-levering uit opslag",
    },
    "fig_source_captured": {"en": "captured", "nl": "afgevangen"},
    "fig_source_fallback": {"en": "fallback", "nl": "terugval"},
    "fig_carrier_electricity": {"en": "electricity", "nl": "elektriciteit"},
    "fig_carrier_hydrogen": {"en": "hydrogen", "nl": "waterstof"},
    "fig_carrier_co2": {"en": "co2", "nl": "CO2"},
    # ------------------------------------------------------------------ access heat map
    "fig_green_carrier": {"en": "green {carrier}", "nl": "groene {carrier}"},
    "fig_green_share": {"en": "green share of demand", "nl": "groen aandeel van de vraag"},
    "fig_access_title": {
        "en": "Access to green energy — {name} (✓ = share ≥ {threshold})",
        "nl": "Toegang tot groene energie — {name} (✓ = aandeel ≥ {threshold})",
    },
    # ------------------------------------------------------------------ capacity and targets
    "fig_capacity_electrolysis_gw": {
        "en": "Electrolysis (GW electricity input)",
        "nl": "Elektrolyse (GW elektrisch opgenomen vermogen)",
    },
    "fig_capacity_offshore_wind_gw": {
        "en": "Offshore wind for industry (industry share of national roadmap)",
        "nl": "Wind op zee voor de industrie (aandeel industrie in de nationale routekaart)",
    },
    "fig_capacity_title": {
        "en": "Capacity built against the policy targets",
        "nl": "Gebouwde capaciteit tegen de beleidsdoelen",
    },
    # ------------------------------------------------------------------ bottlenecks
    "fig_no_limit_binds": {
        "en": "No capacity limit binds in any year",
        "nl": "Geen enkele capaciteitsgrens knelt, in geen enkel jaar",
    },
    "fig_bottlenecks_none_title": {"en": "Bottlenecks — {name}", "nl": "Knelpunten — {name}"},
    "fig_limit_value": {
        "en": "thousand EUR per {unit} per year",
        "nl": "duizend euro per {unit} per jaar",
    },
    "fig_limits_in": {"en": "limits in {unit}", "nl": "grenzen in {unit}"},
    "fig_bottlenecks_title": {
        "en": "What one more unit of each limit is worth — {name}",
        "nl": "Wat één eenheid meer van elke grens waard is — {name}",
    },
    # ------------------------------------------------------------------ emissions
    "fig_cause_electricity_fallback": {
        "en": "missing green electricity",
        "nl": "ontbrekende groene elektriciteit",
    },
    "fig_cause_hydrogen_fallback": {
        "en": "missing green hydrogen",
        "nl": "ontbrekende groene waterstof",
    },
    "fig_cause_co2_not_captured": {
        "en": "missing CO2 transport/storage",
        "nl": "ontbrekend CO2-transport/opslag",
    },
    "fig_cause_other_processes": {"en": "other processes", "nl": "overige processen"},
    "fig_cause_assumed_process_abatement": {
        "en": "assumed process abatement (exogenous)",
        "nl": "aangenomen procesreductie (exogeen)",
    },
    "fig_cause_electrification_credit": {
        "en": "assumed electrification credit (scope 2 not counted)",
        "nl": "aangenomen elektrificatiekrediet (scope 2 niet meegeteld)",
    },
    "fig_net_emissions": {"en": "net emissions", "nl": "netto-uitstoot"},
    "fig_target_or_cap": {"en": "target or cap", "nl": "doel of plafond"},
    "fig_emissions_title": {
        "en": "Industry emissions by cause, against the target",
        "nl": "Uitstoot van de industrie naar oorzaak, tegen het doel",
    },
    # ------------------------------------------------------------------ paths compared
    "fig_fallback_title": {
        "en": "Electricity + hydrogen falling back to fossil",
        "nl": "Elektriciteit + waterstof die terugvalt op fossiel",
    },
    "fig_industry_emissions": {"en": "Industry emissions", "nl": "Uitstoot van de industrie"},
    "fig_paths_title": {
        "en": "The development paths compared",
        "nl": "De ontwikkelpaden vergeleken",
    },
    # ------------------------------------------------------------------ no-regret
    "fig_no_common_capacity": {
        "en": "No new capacity is common to all paths",
        "nl": "Geen nieuwe capaciteit is in alle paden gelijk",
    },
    "fig_new_capacity_every_path": {
        "en": "new capacity in every path (GW)",
        "nl": "nieuwe capaciteit in elk pad (GW)",
    },
    "fig_no_regret_title": {
        "en": "No-regret: new capacity every development path builds",
        "nl": "No-regret: nieuwe capaciteit die elk ontwikkelpad bouwt",
    },
    "fig_tech_offshore_wind": {"en": "offshore wind", "nl": "wind op zee"},
    "fig_tech_electrolyser": {"en": "electrolyser", "nl": "elektrolysers"},
    "fig_tech_offshore_electrolysis": {
        "en": "offshore electrolysis",
        "nl": "elektrolyse op zee",
    },
    "fig_tech_grid_connection": {"en": "grid connection", "nl": "netaansluiting"},
    "fig_tech_h2_import_terminal": {
        "en": "h2 import terminal",
        "nl": "importterminal waterstof",
    },
    "fig_tech_h2_storage": {"en": "h2 storage", "nl": "waterstofopslag"},
    "fig_tech_co2_sink": {"en": "co2 sink", "nl": "CO2-opslag"},
    # ------------------------------------------------------------------ limits (bottleneck bars)
    # limits named after a technology, `<technology>_<suffix>`: figures.LIMIT_SUFFIX_TEXTS
    "fig_limit_expansion": {"en": "{tech} expansion limit", "nl": "uitbreidingsgrens {tech}"},
    "fig_limit_build_rate": {"en": "{tech} build rate", "nl": "bouwtempo {tech}"},
    "fig_limit_national_pace": {
        "en": "national {tech} build pace",
        "nl": "nationaal bouwtempo {tech}",
    },
}
