# Reference partitions of mclust's model-based hierarchical clustering, the start
# that Mclust() uses, for test/models/hc.test.ts.
#
#   Rscript bench/reference/mclust_hc.R          (from the repository root)
#
# Needs R with mclust (Debian: apt-get install r-base-core r-cran-mclust) and, for
# the scikit-learn data sets, /usr/bin/python3 with scikit-learn (python3-sklearn).
# Run once; the outputs are committed, and the tests need neither R nor Python.
#
# For each data set it runs hc() as Mclust() calls it to initialise
# (mclustBIC: hc(data, modelName = mclust.options("hcModelName"), use = mclust.options("hcUse")),
# that is modelName = "VVV", use = "SVD", every row its own initial cluster) and also
# with modelName = "EII" (what Mclust uses when n <= d), then hclass(hcPairs, 2:9).
#
# Writes test/fixtures/mclust/:
#   hc.json           per data set: its source, its CSV file, n, d; for each model, the
#                     labels 1..K of hclass for K = 2..9 (numbered by first appearance, as
#                     hclass numbers them) and all n - 1 merges (hc()'s hcPairs); and, but
#                     for digits (too large), the transformed data mclust clustered
#                     (attr(hc, "data"), the scaled SVD transform, 17 significant digits)
#                     with each model's n - 1 merge costs.
#   iris.csv, faithful.csv, usarrests.csv, wine.csv, digits.csv.gz
#                     the data, a header row of column names, then one row per line.
#
# The BLAS: mclust's Fortran calls the BLAS (ddot, drotg, drot) and svd() calls LAPACK.
# The script re-runs itself on Debian's reference BLAS/LAPACK (libblas3, liblapack3)
# when they are installed, so the numbers do not depend on OpenBLAS's kernels; the
# partitions written were also checked to be the same under OpenBLAS 0.3.21.

ref_blas <- "/usr/lib/x86_64-linux-gnu/blas"
ref_lapack <- "/usr/lib/x86_64-linux-gnu/lapack"
if (Sys.getenv("MCLUST_HC_REEXEC") == "" && dir.exists(ref_blas) && dir.exists(ref_lapack) &&
    !grepl("/blas/", extSoftVersion()[["BLAS"]], fixed = TRUE)) {
  args <- commandArgs(trailingOnly = FALSE)
  script <- sub("^--file=", "", args[grep("^--file=", args)])
  env <- c(paste0("R_LD_LIBRARY_PATH=", paste(ref_blas, ref_lapack, file.path(R.home(), "lib"),
                                              "/usr/lib/x86_64-linux-gnu", sep = ":")),
           "MCLUST_HC_REEXEC=1")
  status <- system2(file.path(R.home("bin"), "Rscript"), script, env = env)
  quit(status = status)
}

suppressMessages(library(mclust))
stopifnot(mclust.options("hcModelName") == "VVV", mclust.options("hcUse") == "SVD")

out_dir <- file.path("test", "fixtures", "mclust")
if (!dir.exists(out_dir)) dir.create(out_dir, recursive = TRUE)
ks <- 2:9

# scikit-learn's data sets ship inside the package (no download): write them as CSV,
# each number in the shortest text that reads back to the same double (gzip without a
# time stamp, so that a rerun writes the same bytes).
sklearn_csv <- function(loader, file) {
  code <- paste(
    "import sys, gzip, io",
    sprintf("from sklearn.datasets import %s as load", loader),
    "d = load()",
    "path = sys.argv[1]",
    "f = io.TextIOWrapper(gzip.GzipFile(path, 'wb', mtime=0), newline='') if path.endswith('.gz') else open(path, 'w', newline='')",
    "f.write(','.join(d.feature_names) + '\\n')",
    "for row in d.data: f.write(','.join(repr(float(v)).removesuffix('.0') for v in row) + '\\n')",
    "f.close()",
    "import sklearn; print(sklearn.__version__)",
    sep = "\n")
  version <- system2("/usr/bin/python3", c("-c", shQuote(code), shQuote(file)), stdout = TRUE)
  stopifnot(length(version) == 1)
  version
}

write_data <- function(x, file) {
  con <- if (grepl("\\.gz$", file)) gzfile(file, "w") else file(file, "w")
  writeLines(paste(colnames(x), collapse = ","), con)
  # 15 significant digits reproduce these short decimals exactly.
  for (i in seq_len(nrow(x))) writeLines(paste(format(x[i, ], digits = 15, trim = TRUE), collapse = ","), con)
  close(con)
}

read_data <- function(file) as.matrix(read.csv(file, check.names = FALSE))

sklearn_version <- NULL
sets <- list()
add_set <- function(name, file, source, x) {
  sets[[length(sets) + 1]] <<- list(name = name, file = file, source = source, x = x)
}

x <- as.matrix(iris[, 1:4])
write_data(x, file.path(out_dir, "iris.csv"))
add_set("iris", "iris.csv", "R datasets::iris, the four numeric columns", read_data(file.path(out_dir, "iris.csv")))

x <- as.matrix(faithful)
write_data(x, file.path(out_dir, "faithful.csv"))
add_set("faithful", "faithful.csv", "R datasets::faithful", read_data(file.path(out_dir, "faithful.csv")))

x <- as.matrix(USArrests)
write_data(x, file.path(out_dir, "usarrests.csv"))
add_set("USArrests", "usarrests.csv", "R datasets::USArrests (rows in the data set's order, names dropped)",
        read_data(file.path(out_dir, "usarrests.csv")))

sklearn_version <- sklearn_csv("load_wine", file.path(out_dir, "wine.csv"))
add_set("wine", "wine.csv", paste0("scikit-learn ", sklearn_version, " sklearn.datasets.load_wine().data"),
        read_data(file.path(out_dir, "wine.csv")))

sklearn_csv("load_digits", file.path(out_dir, "digits.csv.gz"))
add_set("digits", "digits.csv.gz", paste0("scikit-learn ", sklearn_version, " sklearn.datasets.load_digits().data"),
        read_data(gzfile(file.path(out_dir, "digits.csv.gz"))))

# The n - 1 merges of hc() as mclust numbers them (its hcPairs: column s joins the clusters
# named by the two numbers; hclass replays them, renaming the larger number to the smaller).
merge_pairs <- function(h) {
  m <- unclass(h)[1:2, , drop = FALSE]
  lapply(seq_len(ncol(m)), function(s) as.integer(m[, s]))
}

# The merge costs, which hc() does not return: the same .Fortran calls that hcVVV() and
# hcEII() make (mclust 6.0.0's code, printed by mclust:::hcVVV), with every row its own
# cluster; the merges they make are checked to be hc()'s.
merge_costs <- function(z, model, h) {
  n <- nrow(z); p <- ncol(z); l <- n; m <- l - 1
  storage.mode(z) <- "double"
  if (model == "VVV") {
    ld <- max(n, (l * (l - 1))/2 + 1, 3 * m)
    alpha <- max(1 * mclust:::traceW(z/sqrt(n * p)), .Machine$double.eps)
    temp <- .Fortran("hcvvv", cbind(z, 0), as.integer(n), as.integer(p), as.integer(seq_len(n)),
                     as.integer(l), as.integer(m), as.double(alpha), as.double(1), double(p),
                     double(p * p), double(p * p), double(p * p), as.integer(ld), double(ld),
                     PACKAGE = "mclust")[c(1, 14)]
  } else {
    ld <- max(c((l * (l - 1))/2, 3 * m))
    temp <- .Fortran("hceii", z, as.integer(n), as.integer(p), as.integer(seq_len(n)),
                     as.integer(l), as.integer(m), double(p), as.integer(ld), double(ld),
                     PACKAGE = "mclust")[c(1, 9)]
  }
  stopifnot(all(t(temp[[1]][1:m, 1:2, drop = FALSE]) == unclass(h)[1:2, , drop = FALSE]))
  json_numbers(temp[[2]][1:m])
}

json_numbers <- function(x) structure(paste0("[", paste(sprintf("%.17g", x), collapse = ","), "]"), class = "json")

partitions <- function(h) {
  cl <- hclass(h, ks)
  out <- list()
  for (k in ks) out[[as.character(k)]] <- as.integer(cl[, as.character(k)])
  out
}

# A matrix as JSON text whose numbers (17 significant digits) read back to the same doubles:
# jsonlite writes at most 15.
json_rows <- function(z) {
  rows <- apply(z, 1, function(r) paste0("[", paste(sprintf("%.17g", r), collapse = ","), "]"))
  structure(paste0("[", paste(rows, collapse = ","), "]"), class = "json")
}

datasets <- list()
for (s in sets) {
  cat(s$name, nrow(s$x), "x", ncol(s$x), "\n")
  vvv <- hc(s$x, modelName = "VVV", use = "SVD")
  eii <- hc(s$x, modelName = "EII", use = "SVD")
  z <- attr(vvv, "data")
  stopifnot(all(attr(vvv, "initialPartition") == seq_len(nrow(s$x))))
  # The transform is all that use = "SVD" adds: the same hierarchy from Z with use = "VARS".
  stopifnot(identical(hclass(hc(z, modelName = "VVV", use = "VARS"), ks), hclass(vvv, ks)))
  stopifnot(identical(hclass(hc(z, modelName = "EII", use = "VARS"), ks), hclass(eii, ks)))
  entry <- list(
    name = s$name, source = s$source, file = s$file, rows = nrow(s$x), cols = ncol(s$x),
    columns = colnames(s$x),
    partitions = list(VVV = partitions(vvv), EII = partitions(eii)),
    merges = list(VVV = merge_pairs(vvv), EII = merge_pairs(eii)))
  if (nrow(s$x) <= 500) {
    entry$svd <- json_rows(z)
    entry$costs <- list(VVV = merge_costs(z, "VVV", vvv), EII = merge_costs(z, "EII", eii))
  }
  datasets[[length(datasets) + 1]] <- entry
}

doc <- list(
  source = "bench/reference/mclust_hc.R",
  generator = paste0(R.version.string, ", mclust ", as.character(packageVersion("mclust")),
                     ", BLAS ", extSoftVersion()[["BLAS"]], ", LAPACK ", La_library()),
  call = "hclass(hc(X, modelName = M, use = \"SVD\"), 2:9) for M in VVV (Mclust's default) and EII",
  ks = ks,
  svdNote = "svd: attr(hc(X, 'VVV', use = 'SVD'), 'data'), mclust's transform of X (17 significant digits)",
  datasets = datasets)
json <- jsonlite::toJSON(doc, auto_unbox = TRUE, pretty = FALSE, digits = NA, json_verbatim = TRUE)
writeLines(json, file.path(out_dir, "hc.json"))
cat("wrote", file.path(out_dir, "hc.json"), "\n")
