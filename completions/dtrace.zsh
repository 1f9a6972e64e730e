#compdef dtrace dtsh
# Zsh completion for dtrace and dtsh: flags, -x options, .d scripts, and probe descriptions from a cached `dtrace -l`.
#
# Either put this file on $fpath under the name _dtrace (compinit then loads it), or source it after compinit:
#   source /path/to/dtsh/completions/dtrace.zsh
# Probe names come from `dtrace -l` (run once, usually as root), cached one description a line in
# ${XDG_CACHE_HOME:-~/.cache}/dtsh/probes and listed again when the cache is more than a day old.
# DTSH_DTRACE names the dtrace command to list probes with (default: the one being completed, or dtrace).

_dtrace_options=(aggpercpu aggrate aggsize aggsortkey aggsortkeypos aggsortpos aggsortrev bufsize dynvarsize maxprobes oformat quiet strsize switchrate verbose)

# `dtrace -l` (columns "%5d %10s %17s %33s %s", right-aligned, empty fields blank) -> provider:module:function:name.
_dtrace_listing_awk='
NR == 1 && $1 == "ID" { next }
{
  line = $0; n = 0; pos = 0
  while (match(line, /[^ \t]+/)) {
    n++; tok[n] = substr(line, RSTART, RLENGTH)
    first[n] = pos + RSTART; last[n] = pos + RSTART + RLENGTH - 1
    pos += RSTART + RLENGTH - 1; line = substr(line, RSTART + RLENGTH)
  }
  if (n < 2 || tok[1] !~ /^[0-9]+$/) next
  f[1] = ""; f[2] = ""; f[3] = ""
  if (n == 5) { f[1] = tok[2]; f[2] = tok[3]; f[3] = tok[4] }
  else {
    # Columns end at 16, 34 and 68; a field wider than its column pushes the later ones right.
    colstart[1] = 7; colstart[2] = 18; colstart[3] = 36
    colend[1] = 16; colend[2] = 34; colend[3] = 68
    k = 1; shift = 0
    for (i = 2; i < n && k <= 3; i++) {
      while (k < 3 && last[i] > colend[k] + shift && first[i] > colstart[k] + shift) k++
      f[k] = tok[i]
      if (last[i] > colend[k] + shift) shift = last[i] - colend[k]
      k++
    }
  }
  print f[1] ":" f[2] ":" f[3] ":" tok[n]
}'

# Descriptions from the cache: the field under completion of those matching `cur` (earlier fields equal,
# empty, or glob-matching), each once, with ":" after it unless it is the last field wanted.
_dtrace_match_awk='
function glob2re(g,    re, i, c) {
  re = "^"
  for (i = 1; i <= length(g); i++) {
    c = substr(g, i, 1)
    if (c == "*") re = re ".*"
    else if (c == "?") re = re "."
    else if (c == "[" || c == "]") re = re c
    else if (index("\\^$.|()+{}/", c)) re = re "\\" c
    else re = re c
  }
  return re "$"
}
BEGIN {
  FS = ":"
  if (anchor == "right") { k = last; for (i = 1; i < k; i++) c[i] = ""; c[k] = cur }
  else { k = split(cur, c, ":"); if (k == 0) { k = 1; c[1] = "" } }
  if (k > last) exit
  for (i = 1; i < k; i++) {
    want[i] = (c[i] == "kernel" && i == 2) ? "vmlinux" : c[i]
    isglob[i] = (want[i] ~ /[*?[]/); if (isglob[i]) re[i] = glob2re(want[i])
  }
  head = ""; if (anchor != "right") for (i = 1; i < k; i++) head = head c[i] ":"
  tail = (k < last) ? ":" : ""
}
{
  for (i = 1; i < k; i++) {
    if (want[i] == "" || want[i] == "*") continue
    if (isglob[i] ? ($i !~ re[i]) : ($i != want[i])) next
  }
  if (index($k, c[k]) != 1) next
  out = head $k tail
  if (!(out in seen)) { seen[out] = 1; print out }
}'

# The cache file's path, listing the probes first when it is missing or older than a day.
_dtrace_probe_cache() {
  local f=${XDG_CACHE_HOME:-$HOME/.cache}/dtsh/probes
  if [[ ! -s $f || -n $(find "$f" -mmin +1440 2>/dev/null) ]]; then
    local dir=${f%/*} cmd=${DTSH_DTRACE:-dtrace} tmp
    [[ -z ${DTSH_DTRACE-} && ${words[1]:t} == dtrace* ]] && cmd=${words[1]}
    mkdir -p "$dir" 2>/dev/null && tmp=$(mktemp "$dir/.probes.XXXXXX" 2>/dev/null) || return 1
    # Listed into a file, not a pipe: the whole table is ~10 MB and must arrive complete.
    if "$cmd" -l >"$tmp.l" 2>/dev/null && awk "$_dtrace_listing_awk" "$tmp.l" >"$tmp" && [[ -s $tmp ]]; then
      mv -f "$tmp" "$f"
    fi
    rm -f "$tmp" "$tmp.l"
  fi
  [[ -s $f ]] && printf '%s\n' "$f"
}

# Probe descriptions completing $1; $2 is the last field wanted (1 provider .. 4 name); $3 "right" reads a
# word without ':' as that last field alone (`-f vfs_read`, a bare `BEGIN`).
_dtrace_probe_words() {
  local f
  f=$(_dtrace_probe_cache) || return 0
  awk -v cur="$1" -v last="$2" -v anchor="${3:-left}" "$_dtrace_match_awk" "$f"
}

# Probe descriptions for the word being completed; the last argument is the last field wanted (1 provider
# .. 4 name), those before it are compadd options from _arguments.
_dtrace_probes() {
  local last=${argv[-1]} arg=${(Q)PREFIX} anchor=left
  argv[-1]=()
  local -a cands open closed
  [[ $arg == *' '* ]] && return 1
  if [[ $arg != *:* && $last -gt 1 ]]; then
    case $last in
      2 | 3) anchor=right ;;
      4) [[ -z $(_dtrace_probe_words "$arg" 1) ]] && anchor=right ;;
    esac
  fi
  cands=(${(f)"$(_dtrace_probe_words "$arg" $last $anchor)"})
  local c
  for c in $cands; do
    if [[ $c == *: ]]; then open+=($c); else closed+=($c); fi
  done
  # The candidates are whole words already matched (globs in earlier fields included): no prefix matching.
  (( $#open )) && compadd "$@" -S '' -- $open
  (( $#closed )) && compadd "$@" -- $closed
  (( $#cands ))
}

_dtrace_xopts() {
  [[ $PREFIX == *=* ]] && return 1
  compadd "$@" -a _dtrace_options
}

_dtrace() {
  _arguments -s -S \
    '*-b+[set trace buffer size]:buffer size: ' \
    '-C[run cpp(1) preprocessor on script files]' \
    '*-c+[run specified command and exit upon its completion]:command:_command_names -e' \
    '-e[exit after compiling request but prior to enabling probes]' \
    '-F[coalesce trace output by function]' \
    '*-f+[enable or list probes matching the specified function name]:function:_dtrace_probes 3' \
    '-H[print included files when invoking preprocessor]' \
    '-h[generate a header file with definitions for static probes]' \
    '*-i+[enable or list probes matching the specified probe id]:probe id: ' \
    '-l[list probes matching specified criteria]' \
    '*-m+[enable or list probes matching the specified module name]:module:_dtrace_probes 2' \
    '*-n+[enable or list probes matching the specified probe name]:probe description:_dtrace_probes 4' \
    '-o+[set output file]:output file:_files' \
    '-O+[set output format (json, json-doc, text)]:output format:(json json-doc text)' \
    '*-P+[enable or list probes matching the specified provider name]:provider:_dtrace_probes 1' \
    '*-p+[grab specified process-ID and cache its symbol tables]:process ID:_pids' \
    '-q[set quiet mode (only output explicitly traced data)]' \
    '-S[print D compiler intermediate code]' \
    '*-s+[enable or list probes for the specified D program]:D script:_files -g "*.d(-.)"' \
    '-V[report DTrace API version]' \
    '-v[set verbose mode (report stability attributes, arguments)]' \
    '-w[permit destructive actions]' \
    '*-x+[enable or modify compiler and tracing options]:option:_dtrace_xopts' \
    '-Z[permit probe descriptions that match zero probes]' \
    '*:macro argument: '
}

# Autoloaded from $fpath, this file is the completion function itself; sourced, it registers _dtrace.
if [[ ${zsh_eval_context[-1]} == loadautofunc ]]; then
  _dtrace "$@"
else
  compdef _dtrace dtrace dtsh
fi
