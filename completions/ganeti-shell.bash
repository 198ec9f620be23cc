# bash completion for ganeti-shell and its gnt-* programs.
# Generated from the command tree by `ganeti-shell completion bash`; do not edit.

_ganeti_shell_cluster() {
  local cur prev cmd i
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'info init modify queue verify' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    info:--output) COMPREPLY=($(compgen -W json -- "$cur")); return;;
    modify:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    verify:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      info) COMPREPLY=($(compgen -W '--debug --help --master --output --reason -d' -- "$cur"));;
      init) COMPREPLY=($(compgen -W '--debug --enabled-disk-templates --help --listen --master --master-node --reason --state-dir -d' -- "$cur"));;
      modify) COMPREPLY=($(compgen -W '--backend-parameters --candidate-pool-size --debug --default-iallocator --dry-run --enabled-disk-templates --help --mac-prefix --master --max-running-jobs --max-tracked-jobs --print-jobid --priority --reason --submit -B -C -I -d' -- "$cur"));;
      queue) COMPREPLY=($(compgen -W '--debug --help --master --reason -d' -- "$cur"));;
      verify) COMPREPLY=($(compgen -W '--debug --dry-run --error-codes --help --ignore-errors --master --no-nplus1-mem --node-group --print-jobid --priority --reason --submit --verbose -I -d -g -v' -- "$cur"));;
    esac
  fi
}
complete -o default -F _ganeti_shell_cluster gnt-cluster

_ganeti_shell_debug() {
  local cur prev cmd i
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'delay locks' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    delay:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      delay) COMPREPLY=($(compgen -W '--debug --dry-run --help --interruptible --master --no-locks --no-master --print-jobid --priority --reason --repeat --submit -d -i -l -n -r' -- "$cur"));;
      locks) COMPREPLY=($(compgen -W '--debug --help --interval --master --no-headers --output --reason --separator --verbose -d -o -v' -- "$cur"));;
    esac
  fi
}
complete -o default -F _ganeti_shell_debug gnt-debug

_ganeti_shell_filter() {
  local cur prev cmd i
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'add delete dry-run info list list-fields replace' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    dry-run:--output) COMPREPLY=($(compgen -W json -- "$cur")); return;;
    info:--output) COMPREPLY=($(compgen -W json -- "$cur")); return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      add) COMPREPLY=($(compgen -W '--action --debug --file --help --master --predicates --priority --reason -d' -- "$cur"));;
      delete) COMPREPLY=($(compgen -W '--debug --help --master --reason -d' -- "$cur"));;
      dry-run) COMPREPLY=($(compgen -W '--action --debug --file --help --master --output --predicates --priority --reason --uuid -d' -- "$cur"));;
      info) COMPREPLY=($(compgen -W '--debug --help --master --output --reason -d' -- "$cur"));;
      list) COMPREPLY=($(compgen -W '--debug --help --json --master --no-headers --output --reason --separator --verbose -d -o -v' -- "$cur"));;
      list-fields) COMPREPLY=($(compgen -W '--debug --help --master --no-headers --reason --separator -d' -- "$cur"));;
      replace) COMPREPLY=($(compgen -W '--action --debug --file --help --master --predicates --priority --reason -d' -- "$cur"));;
    esac
  fi
}
complete -o default -F _ganeti_shell_filter gnt-filter

_ganeti_shell_instance() {
  local cur prev cmd i
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'add info list list-fields remove show shutdown start startup stop' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    add:--disk-template) COMPREPLY=($(compgen -W 'diskless file sharedfile plain blockdev drbd rbd ext gluster' -- "$cur")); return;;
    add:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    add:-t) COMPREPLY=($(compgen -W 'diskless file sharedfile plain blockdev drbd rbd ext gluster' -- "$cur")); return;;
    info:--output) COMPREPLY=($(compgen -W json -- "$cur")); return;;
    list:--units) COMPREPLY=($(compgen -W 'h m g t' -- "$cur")); return;;
    remove:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    shutdown:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    startup:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      add) COMPREPLY=($(compgen -W '--backend-parameters --debug --disk --disk-template --dry-run --help --hypervisor --iallocator --master --net --no-install --no-ip-check --no-name-check --no-nics --no-start --no-wait-for-sync --node --os-size --os-type --print-jobid --priority --reason --submit --tags -B -H -I -d -n -o -s -t' -- "$cur"));;
      info) COMPREPLY=($(compgen -W '--debug --help --master --output --reason --static -d -s' -- "$cur"));;
      list) COMPREPLY=($(compgen -W '--debug --filter --help --master --no-headers --output --reason --separator --units --verbose -F -d -o -v' -- "$cur"));;
      list-fields) COMPREPLY=($(compgen -W '--debug --help --master --no-headers --reason --separator -d' -- "$cur"));;
      remove) COMPREPLY=($(compgen -W '--debug --dry-run --force --help --ignore-failures --master --print-jobid --priority --reason --shutdown-timeout --submit -d -f' -- "$cur"));;
      show) COMPREPLY=($(compgen -W '--debug --help --master --output --reason --static -d -s' -- "$cur"));;
      shutdown) COMPREPLY=($(compgen -W '--debug --dry-run --force --force-multiple --help --ignore-offline --master --no-remember --print-jobid --priority --reason --submit --timeout -d -f' -- "$cur"));;
      start) COMPREPLY=($(compgen -W '--backend-parameters --debug --dry-run --force --force-multiple --help --ignore-offline --master --no-remember --paused --print-jobid --priority --reason --submit -B -d -f' -- "$cur"));;
      startup) COMPREPLY=($(compgen -W '--backend-parameters --debug --dry-run --force --force-multiple --help --ignore-offline --master --no-remember --paused --print-jobid --priority --reason --submit -B -d -f' -- "$cur"));;
      stop) COMPREPLY=($(compgen -W '--debug --dry-run --force --force-multiple --help --ignore-offline --master --no-remember --print-jobid --priority --reason --submit --timeout -d -f' -- "$cur"));;
    esac
  fi
}
complete -o default -F _ganeti_shell_instance gnt-instance

_ganeti_shell_job() {
  local cur prev cmd i
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'archive autoarchive cancel change-priority info list list-fields show wait watch' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    change-priority:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    info:--output) COMPREPLY=($(compgen -W json -- "$cur")); return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      archive) COMPREPLY=($(compgen -W '--debug --help --master --reason -d' -- "$cur"));;
      autoarchive) COMPREPLY=($(compgen -W '--debug --help --master --reason -d' -- "$cur"));;
      cancel) COMPREPLY=($(compgen -W '--debug --force --help --kill --master --pending --queued --reason --waiting --ya-rly --yes-do-it -d -f' -- "$cur"));;
      change-priority) COMPREPLY=($(compgen -W '--debug --force --help --master --pending --priority --queued --reason --waiting -d -f' -- "$cur"));;
      info) COMPREPLY=($(compgen -W '--debug --help --master --output --reason -d' -- "$cur"));;
      list) COMPREPLY=($(compgen -W '--archived --debug --error --filter --finished --help --master --no-headers --output --pending --reason --running --separator --verbose -F -d -o -v' -- "$cur"));;
      list-fields) COMPREPLY=($(compgen -W '--debug --help --master --no-headers --reason --separator -d' -- "$cur"));;
      show) COMPREPLY=($(compgen -W '--debug --help --master --output --reason -d' -- "$cur"));;
      wait) COMPREPLY=($(compgen -W '--debug --help --master --reason -d' -- "$cur"));;
      watch) COMPREPLY=($(compgen -W '--debug --help --master --reason -d' -- "$cur"));;
    esac
  fi
}
complete -o default -F _ganeti_shell_job gnt-job

_ganeti_shell_node() {
  local cur prev cmd i
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'add info list list-fields remove show' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    add:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    info:--output) COMPREPLY=($(compgen -W json -- "$cur")); return;;
    list:--units) COMPREPLY=($(compgen -W 'h m g t' -- "$cur")); return;;
    remove:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      add) COMPREPLY=($(compgen -W '--address --debug --dry-run --help --join-token-file --master --node-group --print-jobid --priority --reason --secondary-ip --submit -d -g -s' -- "$cur"));;
      info) COMPREPLY=($(compgen -W '--debug --help --master --output --reason -d' -- "$cur"));;
      list) COMPREPLY=($(compgen -W '--debug --filter --help --master --no-headers --output --reason --separator --units --verbose -F -d -o -v' -- "$cur"));;
      list-fields) COMPREPLY=($(compgen -W '--debug --help --master --no-headers --reason --separator -d' -- "$cur"));;
      remove) COMPREPLY=($(compgen -W '--debug --dry-run --help --master --print-jobid --priority --reason --submit -d' -- "$cur"));;
      show) COMPREPLY=($(compgen -W '--debug --help --master --output --reason -d' -- "$cur"));;
    esac
  fi
}
complete -o default -F _ganeti_shell_node gnt-node

_ganeti_shell() {
  if (( COMP_CWORD == 1 )); then
    COMPREPLY=($(compgen -W 'agent cluster completion debug demo filter hbal hcheck hinfo instance job node repl' -- "${COMP_WORDS[1]}")); return
  fi
  case "${COMP_WORDS[1]}" in
    cluster) _ganeti_shell_cluster;;
    debug) _ganeti_shell_debug;;
    filter) _ganeti_shell_filter;;
    instance) _ganeti_shell_instance;;
    job) _ganeti_shell_job;;
    node) _ganeti_shell_node;;
  esac
}
complete -o default -F _ganeti_shell ganeti-shell
