"""Electronic application forms (issue 15): a procedure's form as data, one definition
for every face."""
