# mclust peer of bench/optima.js (npm run bench:optima).
#
#     Rscript mclust_optima.R FILE FAMILIES KLIST TOL [SOLUTIONS.json]
#
# FILE: a CSV with a header row (bench/optima.js's export). FAMILIES: comma-
# separated, of spherical, diag, full, fitted as mclust's VII, VVI, VVV (for
# K=1 mclust names them XII, XXI, XXX). KLIST: comma-separated K. For each:
#
#     Mclust(X, G = K, modelNames = MODEL, verbose = FALSE,
#            control = emControl(tol = c(TOL, sqrt(.Machine$double.eps))))
#
# with its default start (model-based hierarchical clustering, hc, on the
# SVD-transformed data: mclust.options("hcUse"); computed once per file and
# passed as initialization = list(hcPairs = ...), which is what Mclust does
# itself on each call). TOL is EM's relative
# tolerance, |LL - LL_prev| / (1 + |LL|); bench/optima.js passes 1e-6, gmm-fit's
# default (mclust's own default is 1e-5). mclust adds no reg_covar.
# Per fit: "ll" = $loglik, "bic" = $bic (mclust's BIC = 2 LL - df ln n, larger
# is better), "df", "min_eig" (the smallest eigenvalue of any component's
# covariance, $parameters$variance$sigma), "model" (mclust's name). A model
# mclust cannot fit (Mclust returns NULL: its BIC is NA, usually a singular
# covariance) is {"na": true, "error": why}. With SOLUTIONS.json, every fit's
# parameters are written there as gmm-fit model documents (format gmm-fit/1),
# keyed "FAMILY/K", for bench/optima.js's check of a miss.
#
# Prints one JSON line: {"r", "mclust", "hcUse", "rows", "cols", "tol", "fits":
# {FAMILY: {"k": {K: {...}}}}, "seconds"}. JSON is written by hand (no jsonlite).
suppressPackageStartupMessages(library(mclust))

MODELS <- c(spherical = "VII", diag = "VVI", full = "VVV")

# ---- a small JSON writer: named list = object, unnamed list = array, numbers with 17 digits
json <- function(x) {
  if (is.null(x)) return("null")
  if (is.list(x)) {
    parts <- vapply(x, json, "")
    if (!is.null(names(x))) return(paste0("{", paste0('"', names(x), '":', parts, collapse = ","), "}"))
    return(paste0("[", paste(parts, collapse = ","), "]"))
  }
  if (is.matrix(x)) return(json(lapply(seq_len(nrow(x)), function(i) as.list(x[i, ]))))
  if (length(x) != 1) return(json(as.list(x)))
  if (is.logical(x)) return(if (is.na(x)) "null" else if (x) "true" else "false")
  if (is.numeric(x)) return(if (!is.finite(x)) "null" else sprintf("%.17g", x))
  s <- gsub("\\\\", "\\\\\\\\", as.character(x))
  s <- gsub('"', '\\\\"', s)
  s <- gsub("[\r\n\t]", " ", s)
  paste0('"', s, '"')
}

sigmas <- function(f) {
  s <- f$parameters$variance$sigma
  d <- f$d
  g <- f$G
  array(s, c(d, d, g))
}

model_doc <- function(f, family) {
  S <- sigmas(f)
  g <- f$G
  mu <- matrix(f$parameters$mean, nrow = f$d)
  pro <- f$parameters$pro
  if (is.null(pro)) pro <- 1
  mixture <- list(mu = lapply(seq_len(g), function(j) as.list(mu[, j])), p = as.list(pro / sum(pro)))
  if (family == "spherical") mixture$var <- lapply(seq_len(g), function(j) S[1, 1, j])
  if (family == "diag") mixture$var <- lapply(seq_len(g), function(j) as.list(diag(matrix(S[, , j], f$d))))
  if (family == "full") mixture$covariance <- lapply(seq_len(g), function(j) matrix(S[, , j], f$d))
  list(format = "gmm-fit/1", model = family, k = g, d = f$d, mixture = mixture)
}

fit_one <- function(X, family, k, tol, hcPairs) {
  warnings <- character()
  t <- proc.time()[["elapsed"]]
  f <- tryCatch(
    withCallingHandlers(
      if (is.null(hcPairs)) {
        Mclust(X, G = k, modelNames = MODELS[[family]], verbose = FALSE,
               control = emControl(tol = c(tol, sqrt(.Machine$double.eps))))
      } else {
        Mclust(X, G = k, modelNames = MODELS[[family]], verbose = FALSE,
               control = emControl(tol = c(tol, sqrt(.Machine$double.eps))),
               initialization = list(hcPairs = hcPairs))
      },
      warning = function(w) {
        warnings <<- c(warnings, conditionMessage(w))
        invokeRestart("muffleWarning")
      }
    ),
    error = function(e) e
  )
  seconds <- proc.time()[["elapsed"]] - t
  if (inherits(f, "error")) return(list(out = list(na = TRUE, error = paste("error:", conditionMessage(f)), seconds = seconds), f = NULL))
  if (is.null(f)) {
    why <- if (length(warnings)) paste(unique(warnings), collapse = "; ") else "Mclust returned NULL"
    return(list(out = list(na = TRUE, error = paste("BIC is NA:", why), seconds = seconds), f = NULL))
  }
  S <- sigmas(f)
  eig <- min(vapply(seq_len(f$G), function(j) min(eigen(matrix(S[, , j], f$d), symmetric = TRUE, only.values = TRUE)$values), 0))
  out <- list(ll = f$loglik, bic = f$bic, df = f$df, min_eig = eig, model = f$modelName, seconds = seconds)
  if (length(warnings)) out$warnings <- as.list(unique(warnings))
  list(out = out, f = f)
}

args <- commandArgs(trailingOnly = TRUE)
if (!(length(args) %in% c(4, 5))) stop("usage: Rscript mclust_optima.R FILE FAMILIES KLIST TOL [SOLUTIONS.json]")
X <- as.matrix(utils::read.csv(args[1], header = TRUE, check.names = FALSE))
families <- strsplit(args[2], ",")[[1]]
ks <- as.integer(strsplit(args[3], ",")[[1]])
tol <- as.numeric(args[4])
solutions_path <- if (length(args) == 5) args[5] else NULL

t0 <- proc.time()[["elapsed"]]
# Mclust's default start, computed once for all the fits rather than once per
# call (mclustBIC's own rule: hc(X, mclust.options("hcModelName"), use =
# mclust.options("hcUse")) when d < n; "EII" otherwise); above
# mclust.options("subset") rows Mclust would draw a random subset, so it is
# left to do so.
hcPairs <- NULL
hc_seconds <- 0
if (nrow(X) <= mclust.options("subset")) {
  hc_seconds <- proc.time()[["elapsed"]]
  hcPairs <- hc(data = X, modelName = if (ncol(X) < nrow(X)) mclust.options("hcModelName") else "EII", use = mclust.options("hcUse"))
  hc_seconds <- proc.time()[["elapsed"]] - hc_seconds
}
fits <- list()
solutions <- list()
for (family in families) {
  per_k <- list()
  for (k in ks) {
    r <- fit_one(X, family, k, tol, hcPairs)
    per_k[[as.character(k)]] <- r$out
    if (!is.null(solutions_path) && !is.null(r$f)) solutions[[paste0(family, "/", k)]] <- model_doc(r$f, family)
  }
  fits[[family]] <- list(k = per_k)
}
if (!is.null(solutions_path)) writeLines(if (length(solutions)) json(solutions) else "{}", solutions_path)
cat(json(list(
  r = paste(R.version$major, R.version$minor, sep = "."),
  mclust = as.character(utils::packageVersion("mclust")),
  hcUse = mclust.options("hcUse"),
  hc_once = !is.null(hcPairs), hc_seconds = hc_seconds,
  rows = nrow(X), cols = ncol(X), tol = tol,
  fits = fits,
  seconds = proc.time()[["elapsed"]] - t0
)), "\n", sep = "")
