"""Index of each crime type in every (places x types) array (``cspsim.city.CRIME_TYPES``)."""

VIOLENT, PROPERTY, DISORDER, DRUGS = range(4)
#: Types with a victim (drugs offences have none).
VICTIM_TYPES = 3
