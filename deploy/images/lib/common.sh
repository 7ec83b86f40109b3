# Helpers shared by build-standins.sh, lib/base.sh and the per-image */build.sh (sourced, bash).
# Layers are built from directories as tars with fixed owners' numeric ids and a fixed mtime, so
# an unchanged image keeps its digest across rebuilds (the registry push is then skipped).

# Fixed timestamp for layers, configs and history (2024-01-01T00:00:00Z).
EPOCH=${SOURCE_DATE_EPOCH:-1704067200}
CREATED=$(date -u -d "@$EPOCH" +%Y-%m-%dT%H:%M:%SZ)
BUILD_START_MS=${BUILD_START_MS:-$(date +%s%3N)}

log() {
  local ms=$(( $(date +%s%3N) - BUILD_START_MS ))
  printf 'build-standins: [%3d.%01ds] %s\n' $(( ms / 1000 )) $(( ms % 1000 / 100 )) "$*"
}
die() { echo "build-standins: error: $*" >&2; exit 1; }

# dir_to_tar DIR TAR: a reproducible layer tar of DIR's contents (paths relative to /).
dir_to_tar() {
  tar --numeric-owner --sort=name --mtime="@$EPOCH" --clamp-mtime -C "$1" -cf "$2" .
}

# add_layer FROM_TAG TO_TAG DIR COMMENT: TO_TAG = FROM_TAG plus one layer holding DIR's contents.
add_layer() {
  local from=$1 to=$2 dir=$3 comment=$4 tar
  tar=$(mktemp "${TMPDIR:-/tmp}/svcnet-layer.XXXXXX.tar")
  dir_to_tar "$dir" "$tar"
  umoci raw add-layer --image "$LAYOUT:$from" --tag "$to" \
    --history.created "$CREATED" --history.created_by "svcnet build-standins: $comment" "$tar"
  rm -f "$tar"
}

# configure TAG DESCRIPTION [umoci config args...]: set the image config and the stand-in labels.
configure() {
  local tag=$1 description=$2
  shift 2
  umoci config --image "$LAYOUT:$tag" --created "$CREATED" --author svcnet \
    --history.created "$CREATED" --history.created_by "svcnet build-standins: config"  \
    --config.label io.svcnet.standin=true \
    --config.label "io.svcnet.standin.id=$tag" \
    --config.label "org.opencontainers.image.description=$description" \
    "$@"
}

# passwd_without FILE NAME...: FILE's lines minus the entries of NAME...
passwd_without() {
  local file=$1
  shift
  local pattern
  pattern=$(printf '^%s:|' "$@")
  grep -Ev "${pattern%|}" "$file" || true
}
