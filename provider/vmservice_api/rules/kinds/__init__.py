"""One module (or package) per VM Operator kind, named after the kind in lower case."""
