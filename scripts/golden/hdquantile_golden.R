# Reference values for the Harrell-Davis quantile estimator used by the network
# benchmarks (issue 7, src/dramaturg/networks/benchmarks.py), computed with
# Hmisc::hdquantile.
#
#   Rscript scripts/golden/hdquantile_golden.R tests/golden/hdquantile
#
# Needs (Debian): r-base-core r-cran-hmisc
#
# For every case it writes CASE.csv (one column `x`, the sample) and, for all
# cases together, quantiles.csv (case, n, prob, hd). The quantiles are computed
# from the CSV as read back, so they belong to exactly the bytes in the file.
# The samples are written with 15 significant digits (short, and every value
# here fits), the quantiles with 17 so that they read back as the same double.

suppressPackageStartupMessages(library(Hmisc))

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) {
  stop("usage: Rscript scripts/golden/hdquantile_golden.R OUTPUT_DIR")
}
out_dir <- args[[1]]
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

PROBS <- c(0.25, 0.5, 0.75)
num <- function(x) sprintf("%.17g", x)
short <- function(x) sprintf("%.15g", x)

set.seed(20260207)
cases <- list(
  # Five school means as a dashboard would see them (means of many answers).
  n5_schools = c(3.4125, 3.8714285714285714, 2.95, 4.1833333333333336, 3.6),
  # Symmetric: the HD median equals the middle value (a coincidence of symmetry).
  n5_symmetric = c(1, 2, 3, 4, 5),
  # Ties: two schools with the same value.
  n6_ties = c(3.5, 3.25, 3.5, 4, 2.75, 3.8),
  n7_schools = c(2.81, 3.02, 3.33, 3.34, 3.9, 4.15, 4.6),
  # Many ties: values on a coarse grid.
  n12_ties = c(3, 3.5, 3.5, 4, 2.5, 3, 3.5, 4.5, 3, 3.5, 2, 4),
  # A larger network: normal draws rounded to 2 decimals (ties likely), fixed seed.
  n40_random = round(rnorm(40, mean = 3.6, sd = 0.4), 2)
)

rows <- list()
for (name in names(cases)) {
  path <- file.path(out_dir, paste0(name, ".csv"))
  writeLines(c("x", short(cases[[name]])), path)
  x <- read.csv(path, colClasses = "numeric")$x
  hd <- hdquantile(x, probs = PROBS, se = FALSE, names = FALSE)
  for (i in seq_along(PROBS)) {
    rows[[length(rows) + 1]] <- c(name, length(x), short(PROBS[[i]]), num(hd[[i]]))
  }
  cat(sprintf("%-14s n=%2d  q25=%.6f  q50=%.6f  q75=%.6f\n", name, length(x), hd[1], hd[2], hd[3]))
}

lines <- c(
  "case,n,prob,hd",
  vapply(rows, function(r) paste(r, collapse = ","), character(1))
)
writeLines(lines, file.path(out_dir, "quantiles.csv"))
writeLines(
  c(
    paste0("R ", R.version$major, ".", R.version$minor),
    paste0("Hmisc ", as.character(packageVersion("Hmisc"))),
    paste0("RNG ", paste(RNGkind(), collapse = "/"))
  ),
  file.path(out_dir, "versions.txt")
)
