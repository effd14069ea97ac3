"""Clinical-safety cases replayed through the same use cases as the app (spec.md section 10):
a throw-away clinic, every entry and dose saved and screened as a patient's would be, the daily
sweep at the end of each day, everything rolled back."""
