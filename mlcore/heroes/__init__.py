"""Heroes by power: reading the superhero-set tables and clustering heroes by their powers.

numpy only (no Django, no scikit-learn): `table` reads and matches the two CSV files (`layout`
decides which way round a powers table is, `names` cleans and keys names),
`clustering` holds the methods and the measures that compare them, `fit` is the fit the site
stores (assignments, cluster names and make-up, a 2-D map, nearest heroes) and places new heroes.
"""
