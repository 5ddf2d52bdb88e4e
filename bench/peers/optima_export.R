# Exporter of R's bundled data sets for bench/optima.js (npm run bench:optima).
#
#     Rscript optima_export.R OUTDIR NAME[,NAME...]
#
# Writes OUTDIR/NAME.csv for each NAME: a header row, then the numeric columns
# of the data set (row names, ids, class labels and time indices are not
# written; see DATASETS below), each number as sprintf("%.15g"), or "%.17g"
# where that is needed to read back the same double. Rows with a missing cell are dropped (airquality:
# its complete rows). The data sets ship with R (package datasets), with the
# recommended package MASS (geyser) and with mclust (banknote): no download.
#
# Prints one JSON line: {"r": version, "mclust": version, "datasets": [{name,
# source, file, rows, cols, columns, dropped: [{column, why}]}], "errors": [{name, error}]}.
# JSON is written by hand (no jsonlite needed).

DATASETS <- list(
  faithful = list(pkg = "datasets", obj = "faithful", drop = list()),
  quakes = list(pkg = "datasets", obj = "quakes", drop = list()),
  mtcars = list(pkg = "datasets", obj = "mtcars", drop = list()),
  trees = list(pkg = "datasets", obj = "trees", drop = list()),
  USArrests = list(pkg = "datasets", obj = "USArrests", drop = list()),
  swiss = list(pkg = "datasets", obj = "swiss", drop = list()),
  attitude = list(pkg = "datasets", obj = "attitude", drop = list()),
  LifeCycleSavings = list(pkg = "datasets", obj = "LifeCycleSavings", drop = list()),
  airquality = list(pkg = "datasets", obj = "airquality", drop = list(Month = "time index", Day = "time index")),
  rock = list(pkg = "datasets", obj = "rock", drop = list()),
  geyser = list(pkg = "MASS", obj = "geyser", drop = list()),
  banknote = list(pkg = "mclust", obj = "banknote", drop = list(Status = "class label"))
)

# the shortest of %.15g / %.17g that reads back to the same double
num <- function(v) {
  s <- sprintf("%.15g", v)
  bad <- as.numeric(s) != v
  s[bad] <- sprintf("%.17g", v[bad])
  s
}
js <- function(x) {
  if (is.null(x)) return("null")
  if (is.character(x)) return(paste0('"', gsub('"', '\\\\"', x), '"'))
  if (is.numeric(x)) return(ifelse(is.na(x), "null", sprintf("%.17g", x)))
  stop("js: unsupported type")
}
obj <- function(...) {
  kv <- list(...)
  paste0("{", paste(sprintf('"%s":%s', names(kv), unlist(kv)), collapse = ","), "}")
}
arr <- function(xs) paste0("[", paste(unlist(xs), collapse = ","), "]")

export <- function(name, outdir) {
  spec <- DATASETS[[name]]
  if (!requireNamespace(spec$pkg, quietly = TRUE)) stop(sprintf("R package %s is not installed", spec$pkg))
  e <- new.env()
  data(list = spec$obj, package = spec$pkg, envir = e)
  d <- as.data.frame(get(spec$obj, envir = e))
  dropped <- list()
  for (col in names(spec$drop)) {
    dropped[[length(dropped) + 1]] <- obj(column = js(col), why = js(spec$drop[[col]]))
    d[[col]] <- NULL
  }
  for (col in names(d)) {
    if (!is.numeric(d[[col]])) {
      dropped[[length(dropped) + 1]] <- obj(column = js(col), why = js("not numeric"))
      d[[col]] <- NULL
    }
  }
  n0 <- nrow(d)
  d <- d[stats::complete.cases(d), , drop = FALSE]
  note <- if (nrow(d) < n0) sprintf("%d of %d rows kept (complete rows)", nrow(d), n0) else "all rows"
  for (col in names(d)) {
    if (length(unique(d[[col]])) == 1) {
      dropped[[length(dropped) + 1]] <- obj(column = js(col), why = js("constant"))
      d[[col]] <- NULL
    }
  }
  path <- file.path(outdir, paste0(name, ".csv"))
  lines <- apply(as.matrix(d), 1, function(r) paste(num(r), collapse = ","))
  writeLines(c(paste(gsub("[ ,]", "_", names(d)), collapse = ","), lines), path)
  ver <- as.character(utils::packageVersion(spec$pkg))
  obj(
    name = js(name),
    source = js(sprintf("R %s package %s %s, data(%s)", paste(R.version$major, R.version$minor, sep = "."), spec$pkg, ver, spec$obj)),
    note = js(note),
    file = js(path),
    rows = js(nrow(d)),
    cols = js(ncol(d)),
    columns = arr(lapply(names(d), js)),
    dropped = arr(dropped)
  )
}

args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 2) stop("usage: Rscript optima_export.R OUTDIR NAME[,NAME...]")
outdir <- args[1]
wanted <- strsplit(args[2], ",")[[1]]
out <- list()
errors <- list()
for (name in wanted) {
  if (is.null(DATASETS[[name]])) {
    errors[[length(errors) + 1]] <- obj(name = js(name), error = js("not an R data set this exporter knows"))
    next
  }
  r <- tryCatch(export(name, outdir), error = function(e) e)
  if (inherits(r, "error")) errors[[length(errors) + 1]] <- obj(name = js(name), error = js(conditionMessage(r)))
  else out[[length(out) + 1]] <- r
}
mclust <- if (requireNamespace("mclust", quietly = TRUE)) js(as.character(utils::packageVersion("mclust"))) else "null"
cat(obj(r = js(paste(R.version$major, R.version$minor, sep = ".")), mclust = mclust, datasets = arr(out), errors = arr(errors)), "\n", sep = "")
