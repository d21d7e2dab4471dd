"""The page's stylesheet: full-viewport grid, readable sizes, both themes, presentation mode.

Colours of text and borders follow the Vuetify theme (``inherit`` and translucent greys),
so the light and the dark theme both read; presentation mode (``.cspsim-present``) sets
every text to 16 px or more.
"""

from __future__ import annotations

CSS = """
html, body { overflow: hidden; }
.v-application--wrap { min-height: 0 !important; }
.cspsim-page { height: 100vh; display: flex; flex-direction: column; overflow: hidden;
  font-size: var(--cspsim-text, 15px); }
.cspsim-page.cspsim-stacked { height: auto; overflow: visible; }
html:has(.cspsim-stacked), body:has(.cspsim-stacked) { overflow: auto; }
.cspsim-topbar { flex: 0 0 auto; display: flex; align-items: center; gap: 10px; padding: 4px 10px;
  min-height: 60px; flex-wrap: wrap; border-bottom: 1px solid rgba(128,128,128,0.35);
  background: rgba(25,118,210,0.07); }
.theme--dark .cspsim-topbar { background: rgba(255,255,255,0.06); }
.cspsim-brand { font-weight: bold; font-size: 18px; white-space: nowrap; }
.cspsim-lesson-select { max-width: 330px; min-width: 220px; flex: 0 1 330px; }
.cspsim-lesson-select .v-input__slot { margin-bottom: 0; }
.cspsim-topbar .v-text-field { padding-top: 8px; margin-top: 0; }
.cspsim-topbar .v-text-field__details { display: none; }
.cspsim-controls, .cspsim-tools { display: flex; align-items: center; gap: 6px; }
.cspsim-tools { margin-left: auto; }
.cspsim-daybox { min-width: 110px; white-space: nowrap; }
.cspsim-day { font-size: 20px; font-weight: bold; }
.cspsim-day-total { font-size: 14px; opacity: 0.8; }
.cspsim-progress { height: 5px; background: rgba(128,128,128,0.3); border-radius: 3px; }
.cspsim-progress > div { height: 5px; background: #1976d2; border-radius: 3px; }
.cspsim-chip { padding: 4px 10px; border-radius: 14px; font-size: 14px; font-weight: bold;
  background: #ffb300; color: #111; white-space: nowrap; }
.cspsim-main { flex: 1 1 auto; min-height: 0; display: grid; gap: 12px; padding: 8px;
  align-items: start; }
.cspsim-stacked .cspsim-main { display: block; }
.cspsim-side, .cspsim-chartcol, .cspsim-mapcol { min-height: 0; max-height: 100%;
  overflow-y: auto; overflow-x: hidden; }
.cspsim-stacked .cspsim-side, .cspsim-stacked .cspsim-chartcol,
.cspsim-stacked .cspsim-mapcol { max-height: none; overflow: visible; margin-bottom: 12px; }
.cspsim-side { display: flex; flex-direction: column; gap: 10px; height: 100%; }
.cspsim-lesson-text, .cspsim-notice, .cspsim-lever-value { font-size: var(--cspsim-text, 15px); }
.cspsim-side .v-card { padding: 10px 12px; }
.cspsim-h { font-size: 17px; margin: 0 0 6px; line-height: 1.25; }
.cspsim-lesson-text p { margin: 0 0 8px; line-height: 1.4; }
.cspsim-plan { opacity: 0.85; }
.cspsim-small { font-size: 13px; opacity: 0.85; margin-bottom: 4px; }
.cspsim-notice { border-radius: 4px; padding: 6px 8px; margin: 4px 0 8px; font-size: 14px;
  border-left: 4px solid #ffb300; background: rgba(255,179,0,0.15); }
.cspsim-lever-value { margin-top: 6px; }
.cspsim-levers .v-input--selection-controls, .cspsim-levers .v-input { margin-top: 0; }
.cspsim-levers .v-slider { margin: 0; }
.cspsim-levers .v-messages { display: none; }
.cspsim-mapcol { position: relative; }
.cspsim-layers { flex-wrap: wrap; margin-bottom: 6px; }
.cspsim-layers .v-btn { text-transform: none; font-size: 14px; letter-spacing: 0; }
.cspsim-maps { position: relative; display: flex; gap: 12px; align-items: flex-start; }
.cspsim-layers-overlay { position: absolute; left: 8px; top: 8px; z-index: 4; opacity: 0.92; }
.cspsim-layers-overlay .cspsim-layers { margin: 0; }
.cspsim-map-title { font-weight: bold; font-size: 15px; margin-bottom: 2px; }
.cspsim-overlay { position: absolute !important; left: 12px; right: 12px; top: 12px; z-index: 10;
  padding: 14px 18px; border-left: 6px solid #ff8f00 !important; max-height: calc(100% - 24px);
  overflow-y: auto; }
.cspsim-end { border-left-color: #1976d2 !important; }
.cspsim-overlay-kicker { font-size: 14px; font-weight: bold; text-transform: uppercase;
  letter-spacing: 0.04em; opacity: 0.8; margin-bottom: 6px; }
.cspsim-question { font-size: 24px; line-height: 1.3; margin-bottom: 10px; }
.cspsim-saw { font-size: 16px; margin: 0 0 6px; }
.cspsim-end-table, .cspsim-compare, .cspsim-details table { border-collapse: collapse;
  font-size: 14px; width: 100%; margin: 6px 0; }
.cspsim-end-table th, .cspsim-end-table td, .cspsim-compare th, .cspsim-compare td,
.cspsim-details td, .cspsim-details th { padding: 3px 6px; text-align: right;
  border-bottom: 1px solid rgba(128,128,128,0.3); }
.cspsim-end-table td, .cspsim-end-table th { white-space: nowrap; }
.cspsim-end-table td:first-child { white-space: normal; }
.cspsim-end-table td:first-child, .cspsim-end-table th:first-child,
.cspsim-compare td:first-child, .cspsim-details td:first-child { text-align: left; }
.cspsim-details { margin-top: 8px; padding: 8px; }
/* narrow screens (1280x720): the "what changed" card fits in the map column unscrolled */
.cspsim-narrow .cspsim-end { padding: 8px 12px; }
.cspsim-narrow .cspsim-end .cspsim-overlay-kicker { margin-bottom: 2px; font-size: 13px; }
.cspsim-narrow .cspsim-end .cspsim-saw { font-size: 15px; margin: 0 0 4px; line-height: 1.3; }
.cspsim-narrow .cspsim-end-table { margin: 2px 0; }
.cspsim-narrow .cspsim-end-table th { white-space: normal; vertical-align: bottom; }
.cspsim-narrow .cspsim-end-table td, .cspsim-narrow .cspsim-end-table th { padding: 1px 4px;
  line-height: 1.25; }
.cspsim-narrow .cspsim-end .cspsim-small { font-size: 13px; margin-bottom: 0; line-height: 1.3; }
.cspsim-narrow .cspsim-end .cspsim-variant { font-size: 13px; margin: 0 0 2px; line-height: 1.3; }
.cspsim-narrow .cspsim-end .v-btn { height: 28px !important; }
.cspsim-chartcol { display: flex; flex-direction: column; gap: 8px; }
.cspsim-kpis { display: grid; gap: 6px; }
.cspsim-kpi { padding: 4px 10px; border: 1px solid rgba(128,128,128,0.45); border-radius: 4px;
  background: rgba(128,128,128,0.08); min-width: 0; }
.cspsim-kpi .lab { font-size: 13px; opacity: 0.85; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }
.cspsim-kpi .val { font-size: 22px; font-weight: bold; line-height: 1.2; }
.cspsim-kpi-title { font-weight: bold; }
.cspsim-charts { display: flex; flex-direction: column; gap: 8px; }
.cspsim-chart-grid { display: grid; gap: 8px; }
.cspsim-chart { line-height: 0; }
.cspsim-chart svg { display: block; overflow: visible; }
.cspsim-indicator { border: 2px solid #1976d2; border-radius: 6px; padding: 4px; }
.cspsim-compare-card { padding: 8px; }
/* presentation mode: everything 16 px or larger */
.cspsim-present .cspsim-brand { font-size: 22px; }
.cspsim-present .v-btn { font-size: 18px !important; }
.cspsim-present .cspsim-layers .v-btn { font-size: 17px !important; }
.cspsim-present .cspsim-day { font-size: 26px; }
.cspsim-present .cspsim-day-total, .cspsim-present .cspsim-chip { font-size: 18px; }
.cspsim-present .cspsim-kpi .lab { font-size: 17px; }
.cspsim-present .cspsim-kpi .val { font-size: 30px; }
.cspsim-present .cspsim-question { font-size: 30px; }
.cspsim-present .cspsim-overlay-kicker, .cspsim-present .cspsim-saw,
.cspsim-present .cspsim-end-table, .cspsim-present .cspsim-small,
.cspsim-present .cspsim-map-title { font-size: 18px; }
.cspsim-present .cspsim-tooltip { font-size: 18px !important; }
.cspsim-present .v-icon { font-size: 22px !important; }
"""
