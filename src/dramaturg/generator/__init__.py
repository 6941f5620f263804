"""A national network of synthetic schools in bulk, for scale benchmarks (`dramaturg
generate-network`, docs/generator.md).

Nothing in the application imports this package: it sits above every app, writes the rows the
app's own services would write (but many at a time, with `bulk_create`) and draws every
figure from one seeded numpy generator, so the same seed gives the same network.
"""
