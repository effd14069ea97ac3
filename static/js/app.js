// PT Tracker's small progressive enhancements. Every page works without this file.
