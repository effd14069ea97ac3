# "jueves 26 de noviembre" (templates capitalise where a sentence starts). See
# pt_tracker/formats/__init__.py.
DAY_MONTH_FORMAT = r"j \d\e F"
DAY_MONTH_YEAR_FORMAT = r"j \d\e F \d\e Y"
WEEKDAY_DAY_MONTH_FORMAT = r"l j \d\e F"
WEEKDAY_DAY_MONTH_TIME_FORMAT = r"l j \d\e F, H:i"
