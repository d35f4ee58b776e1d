"""The declarative model: every resource and function is defined once, and Check, Diff and the schema
are all derived from that definition."""
