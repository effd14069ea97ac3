# British English order: "Thursday 26 November". See pt_tracker/formats/__init__.py.
DAY_MONTH_FORMAT = "j F"
DAY_MONTH_YEAR_FORMAT = "j F Y"
WEEKDAY_DAY_MONTH_FORMAT = "l j F"
WEEKDAY_DAY_MONTH_TIME_FORMAT = "l j F, H:i"
