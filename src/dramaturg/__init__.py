"""Dramaturg: improvement culture for Dutch schools.

One BLAS thread per process, set before numpy is first imported: the statistics work on
small matrices, where OpenBLAS's worker threads cost far more than they gain, and on a
busy server a second thread per request competes with the other requests for the cores
(bench/dashboard.py measured the open round's omega at ~108 ms with threads, ~7 ms without).
"""

import os

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
