# Bash completion for dtrace and dtsh: flags, -x options, .d scripts, and probe descriptions from a cached `dtrace -l`.
#
# Source it from ~/.bashrc (or drop it in /usr/share/bash-completion/completions/dtrace):
#   source /path/to/dtsh/completions/dtrace.bash
# Probe names come from `dtrace -l` (run once, usually as root), cached one description a line in
# ${XDG_CACHE_HOME:-~/.cache}/dtsh/probes and listed again when the cache is more than a day old.
# DTSH_DTRACE names the dtrace command to list probes with (default: the one being completed, or dtrace).

_dtrace_flags='-b -C -c -e -F -f -H -h -i -l -m -n -o -O -P -p -q -S -s -V -v -w -x -Z'
_dtrace_options='aggpercpu aggrate aggsize aggsortkey aggsortkeypos aggsortpos aggsortrev bufsize dynvarsize maxprobes oformat quiet strsize switchrate verbose'

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
    [[ -z ${DTSH_DTRACE-} && ${COMP_WORDS[0]##*/} == dtrace* ]] && cmd=${COMP_WORDS[0]}
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

# The word being completed and the one before it, read from the line itself: bash splits words at ':'
# and '=' (COMP_WORDBREAKS), which would cut a probe description in pieces.
_dtrace_words() {
  if [[ -n ${COMP_LINE-} && -n ${COMP_POINT-} ]]; then
    local line=${COMP_LINE:0:COMP_POINT}
    local -a w
    read -ra w <<<"$line"
    if [[ -z $line || $line =~ [[:space:]]$ ]]; then
      cur='' prev=${w[${#w[@]}-1]-}
    else
      cur=${w[${#w[@]}-1]} prev=${w[${#w[@]}-2]-}
    fi
  else
    cur=${COMP_WORDS[COMP_CWORD]-} prev=${COMP_WORDS[COMP_CWORD-1]-}
  fi
}

# COMPREPLY from candidates for the whole word: readline replaces only what follows an open quote, or else
# what follows the word's last word-break character (':' and '=' are ones by default).
_dtrace_reply() {
  local cut=0 c i text=$pfx$cur
  if [[ -n ${COMP_LINE-} && -z $quoted ]]; then
    for ((i = ${#text} - 1; i >= 0; i--)); do
      if [[ ${COMP_WORDBREAKS-} == *"${text:i:1}"* ]]; then cut=$((i + 1)); break; fi
    done
  fi
  COMPREPLY=()
  for c in "$@"; do COMPREPLY+=("${c:cut}"); done
}

# Probe completion of $cur up to field $1.
_dtrace_complete_probe() {
  local last=$1 anchor=left arg=$cur
  local -a cands
  if [[ $arg == [\'\"]* ]]; then quoted=1 arg=${arg:1}; fi
  arg=${arg//\\/} cur=$arg
  [[ $arg == *' '* ]] && return 0
  if [[ $arg != *:* && $last -gt 1 ]]; then
    case $last in
      2 | 3) anchor=right ;;
      4) [[ -z $(_dtrace_probe_words "$arg" 1) ]] && anchor=right ;;
    esac
  fi
  mapfile -t cands < <(_dtrace_probe_words "$arg" "$last" "$anchor")
  _dtrace_reply "${cands[@]/#/$pfx}"
  local c
  for c in "${cands[@]}"; do [[ $c == *: ]] && { compopt -o nospace 2>/dev/null; break; }; done
  return 0
}

_dtrace() {
  local cur prev pfx='' quoted=''
  _dtrace_words
  local arg='' flagargs='^-[CeFHhlqSVvwZ]*[bcfimnoOpsxP]$'
  # A flag taking an argument ends the word before (`-n`, `-ln`), or starts this one (`-nsyscall::`).
  if [[ $prev =~ $flagargs ]]; then
    arg=$prev
  elif [[ $cur =~ ^-[CeFHhlqSVvwZ]*[fmnPsx] && ${#cur} -gt ${#BASH_REMATCH} ]]; then
    pfx=${BASH_REMATCH[0]} arg=$pfx cur=${cur:${#pfx}}
  fi
  case $arg in
    -*n) _dtrace_complete_probe 4; return 0 ;;
    -*P) _dtrace_complete_probe 1; return 0 ;;
    -*m) _dtrace_complete_probe 2; return 0 ;;
    -*f) _dtrace_complete_probe 3; return 0 ;;
    -*x)
      [[ $cur == *=* ]] && return 0
      local -a opts
      mapfile -t opts < <(compgen -W "$_dtrace_options" -- "$cur")
      _dtrace_reply "${opts[@]/#/$pfx}"
      return 0 ;;
    -*s)
      local -a files
      mapfile -t files < <(compgen -f -X '!*.d' -- "$cur"; compgen -d -S / -- "$cur")
      _dtrace_reply "${files[@]/#/$pfx}"
      compopt -o filenames -o nospace 2>/dev/null
      return 0 ;;
    -*O) mapfile -t COMPREPLY < <(compgen -W 'json json-doc text' -- "$cur"); return 0 ;;
    -*o) mapfile -t COMPREPLY < <(compgen -f -- "$cur"); compopt -o filenames 2>/dev/null; return 0 ;;
    -*c) mapfile -t COMPREPLY < <(compgen -c -- "$cur"); return 0 ;;
    -*p) mapfile -t COMPREPLY < <(compgen -W "$(ps -e -o pid= 2>/dev/null)" -- "$cur"); return 0 ;;
    -*[bi]) COMPREPLY=(); return 0 ;;
  esac
  if [[ $cur == -* ]]; then
    mapfile -t COMPREPLY < <(compgen -W "$_dtrace_flags" -- "$cur")
  else
    COMPREPLY=()
  fi
  return 0
}

complete -F _dtrace dtrace dtsh
