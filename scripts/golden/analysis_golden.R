# Reference values for the analysis engine (issues 5 and 13), computed with R's
# `multilevel`, `psych`, `psychometric` and `effectsize` packages on data sets
# those packages ship, plus a synthetic case with edge cases.
#
#   Rscript scripts/golden/analysis_golden.R tests/golden/analysis
#
# Needs (Debian): r-base-core r-cran-multilevel r-cran-psych r-cran-jsonlite
# r-cran-gparotation r-cran-effectsize r-cran-psychometric (psych::omega
# refuses to run without GPArotation, even with one factor where no rotation
# happens).
#
# For every case it writes CASE.csv (the data, empty cell = missing) and
# CASE.json (the reference values). All values are computed from the CSV as
# read back, so the golden numbers belong to exactly the bytes in the file.

suppressPackageStartupMessages({
  library(multilevel)
  library(psych)
  library(jsonlite)
  library(effectsize)
  library(psychometric)
})

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1) {
  stop("usage: Rscript scripts/golden/analysis_golden.R OUTPUT_DIR")
}
out_dir <- args[[1]]
dir.create(out_dir, recursive = TRUE, showWarnings = FALSE)

VERSIONS <- list(
  r_version = paste(R.version$major, R.version$minor, sep = "."),
  multilevel_version = as.character(packageVersion("multilevel")),
  psych_version = as.character(packageVersion("psych")),
  gparotation_version = as.character(packageVersion("GPArotation")),
  jsonlite_version = as.character(packageVersion("jsonlite")),
  effectsize_version = as.character(packageVersion("effectsize")),
  psychometric_version = as.character(packageVersion("psychometric"))
)

METHOD <- list(
  scale_score = paste(
    "mean of the answered items after reverse keying ((options + 1) - x);",
    "missing when fewer than min_items items are answered"),
  sd = "sample standard deviation (n - 1), R's sd()",
  alpha = paste(
    "psych::alpha(x, check.keys = FALSE)$total$raw_alpha on the complete cases",
    "of the reverse-keyed items (raw alpha, from the covariance matrix).",
    "alpha_formula is k/(k-1) * (1 - trace(C)/sum(C)) with all k items;",
    "the two differ only when an item has zero variance, because psych::alpha",
    "then drops that item (and warns)"),
  omega_total = paste(
    "psych::omega(x, nfactors = 1, fm = 'minres', plot = FALSE)$omega.tot on the",
    "complete cases of the reverse-keyed items. psych works on the Pearson",
    "correlation matrix R (standardized items): loadings L from",
    "psych::fa(R, nfactors = 1, fm = 'minres'), u2 = 1 - L^2, and",
    "omega.tot = (sum(R) - sum(u2)) / sum(R). With one factor psych says",
    "'Omega_h for 1 factor is not meaningful, just omega_t' and warns",
    "'Omega_h and Omega_asymptotic are not meaningful with one factor'.",
    "omega_total_model = sum(L)^2 / (sum(L)^2 + sum(u2)) (the model-implied",
    "variance in the denominator instead of sum(R)). omega_total_uls is psych's",
    "formula with loadings from iterated principal axis factoring run to",
    "convergence (1e-12), i.e. the exact minres/ULS solution; compare with",
    "1e-3 tolerance because psych's optimizer stops earlier"),
  icc = paste(
    "multilevel::ICC1(aov(score ~ as.factor(group))) and ICC2(...) on the",
    "respondents with a scale score. ICC1 = (MSB - MSW) / (MSB + (k - 1) MSW),",
    "ICC2 = (MSB - MSW) / MSB, with k = N / G (the plain mean group size, not",
    "the k0 correction for unequal group sizes)"),
  rwg_j = paste(
    "multilevel::rwg.j(x, grpid, ranvar = (options^2 - 1) / 12) on the",
    "reverse-keyed items; rwg.j itself drops rows with any missing item",
    "(complete cases), truncates the mean item variance at ranvar (-> 0), and",
    "gives NA for a group with fewer than 2 complete cases (a group with no",
    "complete case gets no row at all: null here too)"),
  rwg_j_lindell = paste(
    "multilevel::rwg.j.lindell(x, grpid, ranvar = (options^2 - 1) / 12) on the",
    "reverse-keyed items: 1 - S / ranvar, S the mean item variance of the",
    "group's complete cases, not truncated; NA below 2 complete cases"),
  n_complete = "rows without a missing item (complete.cases), in the scale and per group",
  item_rest = paste(
    "psych::alpha(x, check.keys = FALSE)$item.stats$r.drop on the complete cases",
    "of the reverse-keyed items (item_rest) and of the raw items (item_rest_raw,",
    "only when some item is reverse keyed: shows the negative r.drop of an item",
    "left unreversed)"),
  icc1_ci = paste(
    "psychometric::ICC1.CI(score, group, level = 0.95): F = MSB / MSW,",
    "F_L = F / qf(0.975, G - 1, N - G), F_U = F * qf(0.975, N - G, G - 1),",
    "lower = (F_L - 1) / (F_L + k - 1), upper = (F_U - 1) / (F_U + k - 1), k = N / G;",
    "the script checks it against that formula written out (1e-12)"),
  group_alpha = paste(
    "as alpha, within the group; null when fewer than 2 complete cases or",
    "when psych::alpha fails or gives a non-finite value"),
  reliability = paste(
    "Spearman-Brown reliability of the group mean: k * icc1 / (1 + (k - 1) * icc1)",
    "with k = the group's n (respondents with a scale score) and the overall icc1"),
  change = paste(
    "difference = mean(round2) - mean(round1) of the scale scores;",
    "ci95 = t.test(s2, s1)$conf.int (Welch, unequal variances);",
    "cohens_d = (m2 - m1) / sqrt(((n1 - 1) sd1^2 + (n2 - 1) sd2^2) / (n1 + n2 - 2));",
    "hedges_g, g_ci95_low, g_ci95_high = effectsize::hedges_g(s2, s1) (pooled SD,",
    "J = exp(lgamma(m/2) - log(sqrt(m/2)) - lgamma((m-1)/2)), m = n1 + n2 - 2; CI by",
    "inverting the noncentral t with optim, abstol 1e-9); g_ci95_low_exact and",
    "g_ci95_high_exact are the same interval with the noncentrality found by uniroot",
    "(tol 1e-13); g_ci95_effectsize_miss = |pt(t, m, ncp) - target| summed over both",
    "bounds of effectsize's interval (optim sometimes stops early, e.g. 5e-3 off in g);",
    "beyond_noise = the Welch interval excludes 0"),
  item_distribution = "per item, counts of the raw answers (as in the file, before reverse keying) equal to 1..options; missing not counted",
  group_order = "groups sorted by label as a string in C (byte) order"
)

num <- function(x) {
  # NA / NaN / Inf -> JSON null
  x <- as.numeric(x)
  if (length(x) != 1 || !is.finite(x)) NA else x
}

score_scale <- function(keyed, min_items) {
  answered <- rowSums(!is.na(keyed))
  s <- rowMeans(keyed, na.rm = TRUE)
  s[answered < min_items] <- NA
  s
}

alpha_formula <- function(x) {
  x <- as.matrix(x)
  if (nrow(x) < 2) return(NA)
  C <- cov(x)
  k <- ncol(x)
  k / (k - 1) * (1 - sum(diag(C)) / sum(C))
}

psych_alpha <- function(x) {
  x <- as.data.frame(x)
  if (nrow(x) < 2) return(list(value = NA, note = "fewer than 2 complete cases"))
  warns <- character(0)
  value <- NA
  # psych::alpha also cat()s advice about negatively correlated items: swallow it.
  utils::capture.output(value <- withCallingHandlers(
    tryCatch(
      psych::alpha(x, check.keys = FALSE)$total$raw_alpha,
      error = function(e) structure(NA, err = conditionMessage(e))
    ),
    warning = function(w) {
      warns <<- c(warns, conditionMessage(w))
      invokeRestart("muffleWarning")
    },
    message = function(m) invokeRestart("muffleMessage")
  ))
  note <- NULL
  if (!is.null(attr(value, "err"))) note <- paste("psych::alpha error:", attr(value, "err"))
  dropped <- grep("had no variance and was deleted", warns, value = TRUE)
  if (length(dropped)) {
    items <- sub("^Item = (.*) had no variance.*$", "\\1", dropped)
    note <- c(note, paste("psych::alpha dropped zero-variance items:",
                          paste(items, collapse = ", ")))
  }
  list(value = num(value), note = if (length(note)) paste(note, collapse = "; ") else NULL)
}

# Exact minres (ULS) one-factor loadings by iterated principal axis factoring.
uls_loadings <- function(R, tol = 1e-12, max_iter = 100000) {
  h2 <- 1 - 1 / diag(solve(R))  # squared multiple correlations as start
  for (i in seq_len(max_iter)) {
    Rr <- R
    diag(Rr) <- h2
    e <- eigen(Rr, symmetric = TRUE)
    L <- e$vectors[, 1] * sqrt(max(e$values[1], 0))
    h2_new <- L^2
    if (max(abs(h2_new - h2)) < tol) break
    h2 <- h2_new
  }
  if (sum(L) < 0) L <- -L
  L
}

psych_omega <- function(x) {
  x <- as.data.frame(x)
  om <- suppressMessages(suppressWarnings(
    psych::omega(x, nfactors = 1, fm = "minres", plot = FALSE)
  ))
  L <- as.numeric(om$schmid$sl[, 1])
  u2 <- as.numeric(om$schmid$sl[, "u2"])
  R <- cor(x)
  L_uls <- uls_loadings(R)
  names_l <- colnames(x)
  list(
    omega_total = num(om$omega.tot),
    omega_total_model = num(sum(L)^2 / (sum(L)^2 + sum(u2))),
    omega_total_uls = num((sum(R) - sum(1 - L_uls^2)) / sum(R)),
    omega_loadings = as.list(setNames(L, names_l)),
    omega_loadings_uls = as.list(setNames(L_uls, names_l))
  )
}

r_drop <- function(x) {
  out <- NULL
  utils::capture.output(out <- suppressWarnings(suppressMessages(
    psych::alpha(as.data.frame(x), check.keys = FALSE)$item.stats$r.drop)))
  out
}

icc1_ci <- function(y, f, level = 0.95) {
  ci <- suppressMessages(psychometric::ICC1.CI(y, f, data.frame(y = y, f = f), level = level))
  # The same interval written out, so the golden file documents the formula it holds.
  tab <- summary(aov(y ~ f))[[1]]
  df1 <- tab[1, 1]; df2 <- tab[2, 1]; fobs <- tab[1, 4]
  k <- (df1 + df2 + 1) / (df1 + 1)
  fl <- fobs / qf(1 - (1 - level) / 2, df1, df2)
  fu <- fobs * qf(1 - (1 - level) / 2, df2, df1)
  low <- (fl - 1) / (fl + k - 1); high <- (fu - 1) / (fu + k - 1)
  stopifnot(abs(ci$LCL - low) < 1e-12, abs(ci$UCL - high) < 1e-12)
  c(num(ci$LCL), num(ci$UCL))
}

item_distribution <- function(raw, options) {
  out <- list()
  for (it in colnames(raw)) {
    v <- raw[[it]]
    out[[it]] <- I(sapply(seq_len(options), function(o) sum(v == o, na.rm = TRUE)))
  }
  out
}

# Run one case: data is a data.frame with the item columns and (optionally)
# the group column; it is written to CSV, read back, and analysed.
run_case <- function(name, dataset, data, items, group = NULL, reverse = character(0),
                     options = NA, min_items = length(items), single_item = FALSE,
                     description = NULL, extra = list()) {
  csv_name <- paste0(name, ".csv")
  csv_path <- file.path(out_dir, csv_name)
  cols <- c(items, group)
  write.csv(data[, cols, drop = FALSE], csv_path, row.names = FALSE, na = "")
  d <- read.csv(csv_path, na.strings = "", colClasses = c(
    setNames(rep("numeric", length(items)), items),
    if (!is.null(group)) setNames("character", group)
  ))

  raw <- d[, items, drop = FALSE]
  keyed <- raw
  for (it in reverse) keyed[[it]] <- (options + 1) - keyed[[it]]
  s <- score_scale(keyed, min_items)
  complete <- complete.cases(keyed)

  scale <- list(n = sum(!is.na(s)), mean = num(mean(s, na.rm = TRUE)),
                sd = num(sd(s, na.rm = TRUE)))
  if (!single_item) {
    xc <- keyed[complete, , drop = FALSE]
    a <- psych_alpha(xc)
    scale$n_complete <- nrow(xc)
    scale$alpha <- a$value
    scale$alpha_formula <- num(alpha_formula(xc))
    if (!is.null(a$note)) scale$alpha_note <- a$note
    scale$item_rest <- as.list(setNames(r_drop(xc), items))
    if (length(reverse)) {
      scale$item_rest_raw <- as.list(setNames(r_drop(raw[complete, , drop = FALSE]), items))
    }
    scale <- c(scale, psych_omega(xc))
  }

  res <- list(n_rows = nrow(d), scale = scale)
  if (!is.na(options) && !single_item) {
    res$item_distribution <- item_distribution(raw, options)
  }

  if (!is.null(group)) {
    g <- d[[group]]
    ok <- !is.na(s) & !is.na(g)
    y <- s[ok]
    f <- as.factor(g[ok])
    model <- aov(y ~ f)
    tab <- summary(model)[[1]]
    icc1 <- multilevel::ICC1(model)
    icc2 <- multilevel::ICC2(model)
    res$icc1 <- num(icc1)
    res$icc2 <- num(icc2)
    ci <- icc1_ci(y, f)
    res$icc1_ci95_low <- ci[1]
    res$icc1_ci95_high <- ci[2]
    res$anova <- list(
      n = length(y), n_groups = nlevels(f),
      df_between = tab[1, 1], df_within = tab[2, 1],
      ms_between = num(tab[1, 3]), ms_within = num(tab[2, 3]),
      k = num((tab[2, 1] + tab[1, 1] + 1) / (tab[1, 1] + 1))
    )

    labels <- sort(unique(g[!is.na(g)]), method = "radix")
    res$n_groups <- length(labels)
    rwgj <- NULL
    rwg1 <- NULL
    if (!single_item) {
      rwgj <- multilevel::rwg.j(keyed, g, ranvar = (options^2 - 1) / 12)
      lindell <- multilevel::rwg.j.lindell(keyed, g, ranvar = (options^2 - 1) / 12)
    } else if (isTRUE(extra$single_item_rwg)) {
      rwg1 <- multilevel::rwg(keyed[[1]], g, ranvar = (options^2 - 1) / 12)
    }
    groups <- list()
    for (lab in labels) {
      in_g <- !is.na(g) & g == lab
      sg <- s[in_g & !is.na(s)]
      n <- length(sg)
      entry <- list(
        group = lab,
        n = n,
        n_rows = sum(in_g),
        mean = if (n > 0) num(mean(sg)) else NA,
        sd = if (n > 1) num(sd(sg)) else NA,
        reliability = if (n > 0) num(n * icc1 / (1 + (n - 1) * icc1)) else NA
      )
      if (!single_item) {
        xg <- keyed[in_g & complete, , drop = FALSE]
        hit <- match(lab, as.character(rwgj$grpid))
        entry$n_complete <- nrow(xg)
        entry$rwg_j <- if (is.na(hit)) NA else num(rwgj$rwg.j[hit])
        hit <- match(lab, as.character(lindell$grpid))
        entry$rwg_j_lindell <- if (is.na(hit)) NA else num(lindell$rwg.lindell[hit])
        a <- psych_alpha(xg)
        entry$alpha <- a$value
        entry$alpha_formula <- num(alpha_formula(xg))
        if (!is.null(a$note)) entry$alpha_note <- a$note
      }
      if (!is.null(rwg1)) {
        hit <- match(lab, as.character(rwg1$grpid))
        entry$rwg <- if (is.na(hit)) NA else num(rwg1$rwg[hit])
      }
      groups[[length(groups) + 1]] <- entry
    }
    res$groups <- groups
  } else {
    res$icc1 <- NA
    res$icc2 <- NA
  }

  out <- c(
    list(case = name, dataset = dataset),
    if (!is.null(description)) list(description = description),
    VERSIONS,
    list(
      items = I(items),
      group = if (is.null(group)) NA else group,
      reverse = I(reverse),
      options = num(options),
      min_items = min_items,
      data_file = csv_name,
      rng = if (!is.null(extra$rng)) extra$rng else NA,
      method = METHOD
    ),
    if (single_item) list(not_applicable = I(c(
      "alpha", "omega_total", "rwg_j", "groups[].alpha", "item_distribution"))),
    if (!is.null(extra$notes)) list(notes = I(extra$notes)),
    list(results = res)
  )
  write_json(out, file.path(out_dir, paste0(name, ".json")),
             auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
  cat(sprintf("%-24s rows=%5d  n=%5d  mean=%.6f  icc1=%s  alpha=%s  omega=%s\n",
              name, nrow(d), scale$n, scale$mean,
              format(res$icc1, digits = 6),
              format(scale$alpha, digits = 6), format(scale$omega_total, digits = 6)))
  invisible(list(data = d, keyed = keyed, score = s, json = out))
}

# --- multilevel::lq2002 ------------------------------------------------------
data(lq2002, package = "multilevel")
lead_items <- sprintf("LEAD%02d", 1:11)
run_case("lq2002_leadership", "multilevel::lq2002", lq2002, lead_items,
         group = "COMPID", options = 5, min_items = 11,
         description = "Leadership climate, 11 items on 1..5, 2042 soldiers in 49 companies")

# --- multilevel::bh1996 ------------------------------------------------------
data(bh1996, package = "multilevel")
wb_range <- range(bh1996$WBEING)
wb_on_1_5 <- wb_range[1] >= 1 && wb_range[2] <= 5
run_case("bh1996_wellbeing", "multilevel::bh1996", bh1996, "WBEING",
         group = "GRP", options = if (wb_on_1_5) 5 else NA, min_items = 1,
         single_item = TRUE,
         description = "Well-being scale score (one column), 7382 soldiers in 99 groups",
         extra = list(single_item_rwg = wb_on_1_5, notes = c(
           sprintf("WBEING ranges from %g to %g (not a 1..5 item): options is null and no rwg is given.",
                   wb_range[1], wb_range[2]),
           "The scale score is WBEING itself (one item, min_items 1); only n, mean, sd, icc1, icc2 and group n/mean/sd/reliability apply."
         )))

# --- psych::bfi ----------------------------------------------------------------
data(bfi, package = "psych")
bfi_edu <- bfi[!is.na(bfi$education), ]
run_case("bfi_agreeableness", "psych::bfi", bfi_edu, paste0("A", 1:5),
         group = "education", reverse = "A1", options = 6, min_items = 3,
         description = "Agreeableness A1..A5 on 1..6 (A1 reverse keyed), grouped by education",
         extra = list(notes = c(
           "Rows with missing education are dropped before the CSV is written.",
           "Items have missing answers; the scale score needs 3 of 5 answers; alpha, omega, rwg_j and group alpha use complete cases."
         )))
run_case("bfi_conscientiousness", "psych::bfi", bfi, paste0("C", 1:5),
         group = "gender", reverse = c("C4", "C5"), options = 6, min_items = 3,
         description = "Conscientiousness C1..C5 on 1..6 (C4, C5 reverse keyed), grouped by gender (1 = male, 2 = female)",
         extra = list(notes = c(
           "All 2800 rows; items have missing answers; the scale score needs 3 of 5 answers; alpha, omega, rwg_j and group alpha use complete cases."
         )))

# --- synthetic -----------------------------------------------------------------
# 30 groups G01..G30, 8 people each except G29 (1 person) and G30 (2 people);
# 6 items Q1..Q6 on 1..5, Q6 reverse keyed (stored raw, so keyed = 6 - Q6).
#   G01, G02: everyone gives the same answers        -> rwg_j = 1, sd 0, alpha null
#   G03, G04: half answer all 1, half all 5 (keyed)  -> mean item variance > 2, rwg_j = 0
#   G05:      only one complete case (others skip one item each) -> rwg_j null, but n = 8
#   G06:      one respondent answers only 3 of 6 items -> no scale score (min_items 4)
#   G07:      one item has zero variance in the group -> psych::alpha drops it
#   G08:      everyone skips one item: no complete case -> rwg.j has no row (null)
#   G29:      a group of one (no missing answers) -> rwg_j null, sd null
#   G30:      a group of two (no missing answers) -> rwg_j and alpha defined
#   others:   random answers with a group effect and ~5% missing answers.
make_round <- function(seed, shift) {
  set.seed(seed)
  n_items <- 6
  sizes <- c(rep(8, 28), 1, 2)
  labels <- sprintf("G%02d", seq_along(sizes))
  rows <- list()
  for (gi in seq_along(sizes)) {
    ng <- sizes[gi]
    u <- rnorm(1, 0, 0.5)
    theta <- rnorm(ng, 0, 0.7)
    x <- matrix(NA_real_, ng, n_items)
    for (j in 1:n_items) {
      x[, j] <- pmin(5, pmax(1, round(3 + shift + u + theta + rnorm(ng, 0, 0.8))))
    }
    lab <- labels[gi]
    if (lab %in% c("G01", "G02")) {
      x <- matrix(x[1, ], ng, n_items, byrow = TRUE)
    } else if (lab %in% c("G03", "G04")) {
      x <- matrix(rep(c(1, 5), length.out = ng), ng, n_items)
    } else {
      miss <- matrix(runif(ng * n_items) < 0.05, ng, n_items)
      if (!(lab %in% c("G29", "G30"))) x[miss] <- NA
      if (lab == "G05") {
        for (r in 2:ng) x[r, ((r - 2) %% n_items) + 1] <- NA
        x[1, ] <- pmin(5, pmax(1, round(3 + shift + u + rnorm(n_items, 0, 0.8))))
      }
      if (lab == "G06") x[1, ] <- c(NA, 2, NA, 4, NA, 3)
      if (lab == "G08") for (r in 1:ng) x[r, ((r - 1) %% n_items) + 1] <- NA
      if (lab == "G07") x[, 3] <- 4
    }
    x[, n_items] <- 6 - x[, n_items]  # store Q6 raw (reverse keyed item)
    df <- as.data.frame(x)
    names(df) <- paste0("Q", 1:n_items)
    df$team <- lab
    rows[[gi]] <- df
  }
  do.call(rbind, rows)
}

syn_items <- paste0("Q", 1:6)
rng <- paste(RNGkind(), collapse = "/")
syn_notes <- c(
  "G01, G02: identical answers (rwg_j 1, sd 0, alpha undefined).",
  "G03, G04: half all-1, half all-5 after keying (rwg_j truncated to 0).",
  "G05: 8 scale scores but only 1 complete case (rwg_j and alpha null).",
  "G06: one respondent with only 3 answers (no scale score at min_items 4).",
  "G07: item Q3 constant within the group (psych::alpha drops it: alpha != alpha_formula).",
  "G08: every respondent skips one item: 8 scale scores, no complete case (rwg_j and alpha null).",
  "G29: one respondent (rwg_j, sd, alpha null); G30: two respondents, both complete (rwg_j and alpha defined).",
  "The synthetic data are made with set.seed and R's default RNG; other R versions may make different data, but the CSV here is the reference."
)
r1 <- run_case("synthetic_round1", "synthetic (set.seed(20240501))",
               make_round(20240501, 0), syn_items, group = "team", reverse = "Q6",
               options = 5, min_items = 4,
               description = "Synthetic edge cases, round 1",
               extra = list(rng = rng, notes = syn_notes))
r2 <- run_case("synthetic_round2", "synthetic (set.seed(20240502), mean shifted +0.4)",
               make_round(20240502, 0.4), syn_items, group = "team", reverse = "Q6",
               options = 5, min_items = 4,
               description = "Synthetic edge cases, round 2 (same design, mean shifted)",
               extra = list(rng = rng, notes = syn_notes))

change_of <- function(s1, s2) {
  s1 <- s1[!is.na(s1)]
  s2 <- s2[!is.na(s2)]
  n1 <- length(s1); n2 <- length(s2)
  m1 <- mean(s1); m2 <- mean(s2)
  sd1 <- sd(s1); sd2 <- sd(s2)
  tt <- t.test(s2, s1)
  list(
    n1 = n1, n2 = n2, mean1 = num(m1), mean2 = num(m2), sd1 = num(sd1), sd2 = num(sd2),
    difference = num(m2 - m1),
    ci95_low = num(tt$conf.int[1]), ci95_high = num(tt$conf.int[2]),
    welch_t = num(tt$statistic), welch_df = num(tt$parameter),
    cohens_d = num((m2 - m1) / sqrt(((n1 - 1) * sd1^2 + (n2 - 1) * sd2^2) / (n1 + n2 - 2))),
    beyond_noise = tt$conf.int[1] > 0 || tt$conf.int[2] < 0
  )
}

# Hedges' g of round 2 against round 1 with effectsize, and its interval with the
# noncentrality parameter found exactly (uniroot) instead of by optim.
hedges_of <- function(s1, s2, level = 0.95) {
  s1 <- s1[!is.na(s1)]
  s2 <- s2[!is.na(s2)]
  g <- suppressWarnings(suppressMessages(effectsize::hedges_g(s2, s1, ci = level)))
  n1 <- length(s1); n2 <- length(s2); m <- n1 + n2 - 2
  sp <- sqrt(((n1 - 1) * var(s1) + (n2 - 1) * var(s2)) / m)
  t <- (mean(s2) - mean(s1)) / (sp * sqrt(1 / n1 + 1 / n2))
  j <- exp(lgamma(m / 2) - log(sqrt(m / 2)) - lgamma((m - 1) / 2))
  ncp_for <- function(p) uniroot(function(ncp) pt(t, m, ncp) - p, c(t - 20, t + 20),
                                 extendInt = "yes", tol = 1e-13)$root
  scale <- sqrt(1 / n1 + 1 / n2)
  # How far effectsize's optim landed from its targets (it sometimes stops early).
  miss <- abs(pt(t, m, g$CI_low / j / scale) - (1 - (1 - level) / 2)) +
    abs(pt(t, m, g$CI_high / j / scale) - (1 - level) / 2)
  list(
    hedges_g = num(g$Hedges_g), g_ci95_low = num(g$CI_low), g_ci95_high = num(g$CI_high),
    g_ci95_effectsize_miss = num(miss),
    g_ci95_low_exact = num(j * ncp_for(1 - (1 - level) / 2) * scale),
    g_ci95_high_exact = num(j * ncp_for((1 - level) / 2) * scale),
    hedges_j = num(j)
  )
}

change <- c(change_of(r1$score, r2$score), hedges_of(r1$score, r2$score))
by_group <- list()
for (lab in sort(unique(r1$data$team), method = "radix")) {
  a <- r1$score[r1$data$team == lab]
  b <- r2$score[r2$data$team == lab]
  a <- a[!is.na(a)]; b <- b[!is.na(b)]
  entry <- list(group = lab, n1 = length(a), n2 = length(b))
  defined <- length(a) >= 2 && length(b) >= 2 && (var(a) > 0 || var(b) > 0)
  if (defined) {
    entry <- c(list(group = lab), change_of(a, b), hedges_of(a, b))
  } else {
    entry$difference <- if (length(a) && length(b)) num(mean(b) - mean(a)) else NA
    entry$ci95_low <- NA
    entry$ci95_high <- NA
    entry$cohens_d <- NA
    entry$hedges_g <- NA
    entry$g_ci95_low_exact <- NA
    entry$g_ci95_high_exact <- NA
    entry$note <- "fewer than 2 scale scores in a round, or no variance in both rounds"
  }
  by_group[[length(by_group) + 1]] <- entry
}
change_json <- c(
  list(case = "synthetic_change", dataset = "synthetic rounds 1 and 2"),
  VERSIONS,
  list(
    items = I(syn_items), group = "team", reverse = I("Q6"), options = 5, min_items = 4,
    data_file_round1 = "synthetic_round1.csv", data_file_round2 = "synthetic_round2.csv",
    method = METHOD[c("scale_score", "change")],
    results = list(change = change, groups = by_group)
  )
)
write_json(change_json, file.path(out_dir, "synthetic_change.json"),
           auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
cat(sprintf("synthetic_change         difference=%.6f  ci=[%.6f, %.6f]  d=%.6f\n",
            change$difference, change$ci95_low, change$ci95_high, change$cohens_d))

# --- random-group baseline (rgr.agree) --------------------------------------------
# multilevel::rgr.agree deals the respondents at random into groups of the real sizes and
# reports the mean and SD of the random groups' within-group variances. The engine
# computes these exactly (analysis/baseline.py), so the simulation here is the reference
# it must fall within, given the Monte Carlo error: each entry gives the simulated mean and
# SD with their standard errors (mean_se = sd / sqrt(reps); sd_se from the simulated
# kurtosis, sd * sqrt((m4 / var^2 - 1) / (4 reps))), and lower quantiles (type 7).
QUANTILES <- c(0.01, 0.025, 0.05, 0.10, 0.5)

sim_summary <- function(v) {
  m <- mean(v); s <- sd(v)
  list(
    reps = length(v), mean = num(m), sd = num(s), mean_se = num(s / sqrt(length(v))),
    sd_se = num(s * sqrt((mean((v - m)^4) / s^4 - 1) / (4 * length(v)))),
    quantiles = as.list(setNames(as.numeric(quantile(v, QUANTILES, type = 7)),
                                 sprintf("%g", QUANTILES)))
  )
}

# Random groups of one size drawn without replacement from the pool, as ran.group does.
sim_size <- function(x, n, reps) {
  x <- as.matrix(x)
  v <- vapply(seq_len(reps), function(i) {
    mean(apply(x[sample.int(nrow(x), n), , drop = FALSE], 2, var))
  }, numeric(1))
  c(list(size = n), sim_summary(v))
}

lq <- read.csv(file.path(out_dir, "lq2002_leadership.csv"))
bfi_a <- read.csv(file.path(out_dir, "bfi_agreeableness.csv"))
bfi_a$A1 <- 7 - bfi_a$A1  # reverse keyed, as in the case above
bfi_a <- bfi_a[complete.cases(bfi_a[, paste0("A", 1:5)]), ]

set.seed(20260513)
rgr <- multilevel::rgr.agree(lq$LEAD01, lq$COMPID, nrangrps = 49 * 2000)
rgr_sizes <- as.integer(table(lq$COMPID))
REPS <- 40000
per_size <- list(
  c(list(pool = "lq2002 LEAD01..LEAD11", items = I(lead_items), options = 5),
    sim_size(lq[, lead_items], 3, REPS)),
  c(list(pool = "lq2002 LEAD01..LEAD11", items = I(lead_items), options = 5),
    sim_size(lq[, lead_items], 6, REPS)),
  c(list(pool = "lq2002 LEAD01..LEAD11", items = I(lead_items), options = 5),
    sim_size(lq[, lead_items], 10, REPS)),
  c(list(pool = "lq2002 LEAD01", items = I("LEAD01"), options = 5),
    sim_size(lq[, "LEAD01", drop = FALSE], 6, REPS)),
  c(list(pool = "bfi agreeableness, A1 reverse keyed, complete cases",
         items = I(paste0("A", 1:5)), options = 6),
    sim_size(bfi_a[, paste0("A", 1:5)], 6, REPS))
)
random_json <- c(
  list(case = "random_groups", dataset = "lq2002_leadership.csv, bfi_agreeableness.csv"),
  VERSIONS,
  list(
    seed = 20260513, rng = paste(RNGkind(), collapse = "/"),
    method = list(
      rgr_agree = paste(
        "multilevel::rgr.agree(LEAD01, COMPID, nrangrps = 98000) on lq2002: random",
        "groups of the real company sizes (group_sizes), each a sample without",
        "replacement; av_random_var and sd_random_var as rgr.agree's AvRGRVar and",
        "SDRGRVar; lower quantiles of its RGRVARS as summary.rgr.agree (type 7)"),
      per_size = paste(
        "reps random groups of one size drawn with sample.int from the pool (the",
        "complete cases, reverse keyed); per group the mean over the items of var();",
        "mean, sd, their standard errors and lower quantiles of those")
    ),
    results = list(
      rgr_agree = c(
        list(item = "LEAD01", group = "COMPID", group_sizes = I(rgr_sizes),
             n_random_groups = rgr$NRanGrp, av_real_var = num(rgr$AvGrpVar),
             av_random_var = num(rgr$AvRGRVar), sd_random_var = num(rgr$SDRGRVar),
             zvalue = num(rgr$zvalue)),
        list(summary = sim_summary(rgr$RGRVARS))
      ),
      per_size = per_size
    )
  )
)
write_json(random_json, file.path(out_dir, "random_groups.json"),
           auto_unbox = TRUE, digits = NA, pretty = TRUE, na = "null")
cat(sprintf("random_groups            rgr.agree mean=%.6f sd=%.6f z=%.3f\n",
            rgr$AvRGRVar, rgr$SDRGRVar, rgr$zvalue))
