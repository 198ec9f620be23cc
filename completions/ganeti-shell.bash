# bash completion for ganeti-shell and its gnt-* programs.
# Generated from the command tree by `ganeti-shell completion bash`; do not edit.

# Live names from the master: `ganeti-shell __complete KIND PREFIX` (empty when unreachable).
_ganeti_shell_live() {
  local IFS=$'\n'
  COMPREPLY=($(command ganeti-shell __complete "$1" "$2" 2>/dev/null))
  [[ "$1" == field:* ]] && compopt -o nospace 2>/dev/null
  return 0
}

_ganeti_shell_cluster() {
  local cur prev cmd
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'info init modify queue verify' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    init:--reason) COMPREPLY=(); return;;
    init:--master) COMPREPLY=(); return;;
    init:--state-dir) COMPREPLY=(); return;;
    init:--master-node) COMPREPLY=(); return;;
    init:--listen) COMPREPLY=(); return;;
    init:--enabled-disk-templates) COMPREPLY=(); return;;
    init:-I|init:--default-iallocator) COMPREPLY=(); return;;
    info:--reason) COMPREPLY=(); return;;
    info:--master) COMPREPLY=(); return;;
    info:--output) COMPREPLY=($(compgen -W json -- "$cur")); return;;
    verify:--reason) COMPREPLY=(); return;;
    verify:--master) COMPREPLY=(); return;;
    verify:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    verify:-I|verify:--ignore-errors) COMPREPLY=(); return;;
    verify:-g|verify:--node-group) COMPREPLY=(); return;;
    queue:--reason) COMPREPLY=(); return;;
    queue:--master) COMPREPLY=(); return;;
    modify:--reason) COMPREPLY=(); return;;
    modify:--master) COMPREPLY=(); return;;
    modify:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    modify:--max-running-jobs) COMPREPLY=(); return;;
    modify:--max-tracked-jobs) COMPREPLY=(); return;;
    modify:-C|modify:--candidate-pool-size) COMPREPLY=(); return;;
    modify:-I|modify:--default-iallocator) COMPREPLY=(); return;;
    modify:--default-iallocator-params) COMPREPLY=(); return;;
    modify:--mac-prefix) COMPREPLY=(); return;;
    modify:-B|modify:--backend-parameters) COMPREPLY=(); return;;
    modify:--enabled-disk-templates) COMPREPLY=(); return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      init) COMPREPLY=($(compgen -W '--debug --default-iallocator --enabled-disk-templates --help --listen --master --master-node --reason --state-dir -I -d -h' -- "$cur"));;
      info) COMPREPLY=($(compgen -W '--debug --help --master --output --reason -d -h' -- "$cur"));;
      verify) COMPREPLY=($(compgen -W '--debug --dry-run --error-codes --help --ignore-errors --master --no-nplus1-mem --node-group --print-jobid --priority --reason --submit --verbose -I -d -g -h -v' -- "$cur"));;
      queue) COMPREPLY=($(compgen -W '--debug --help --master --reason -d -h' -- "$cur"));;
      modify) COMPREPLY=($(compgen -W '--backend-parameters --candidate-pool-size --debug --default-iallocator --default-iallocator-params --dry-run --enabled-disk-templates --help --mac-prefix --master --max-running-jobs --max-tracked-jobs --print-jobid --priority --reason --submit -B -C -I -d -h' -- "$cur"));;
    esac
    return
  fi
  case "$cmd" in
  esac
}
complete -o default -F _ganeti_shell_cluster gnt-cluster

_ganeti_shell_debug() {
  local cur prev cmd
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'delay locks submit-job' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    delay:--reason) COMPREPLY=(); return;;
    delay:--master) COMPREPLY=(); return;;
    delay:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    delay:-n) _ganeti_shell_live node "$cur"; return;;
    delay:-r|delay:--repeat) COMPREPLY=(); return;;
    submit-job:--reason) COMPREPLY=(); return;;
    submit-job:--master) COMPREPLY=(); return;;
    submit-job:--op-repeat) COMPREPLY=(); return;;
    submit-job:--job-repeat) COMPREPLY=(); return;;
    submit-job:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    locks:--reason) COMPREPLY=(); return;;
    locks:--master) COMPREPLY=(); return;;
    locks:-o|locks:--output) COMPREPLY=(); return;;
    locks:--separator) COMPREPLY=(); return;;
    locks:--interval) COMPREPLY=(); return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      delay) COMPREPLY=($(compgen -W '--debug --dry-run --help --interruptible --master --no-locks --no-master --print-jobid --priority --reason --repeat --submit -d -h -i -l -n -r' -- "$cur"));;
      submit-job) COMPREPLY=($(compgen -W '--debug --dry-run --each --help --job-repeat --master --op-repeat --priority --reason --timing-stats --verbose -d -h -v' -- "$cur"));;
      locks) COMPREPLY=($(compgen -W '--debug --help --interval --master --no-headers --output --reason --separator --verbose -d -h -o -v' -- "$cur"));;
    esac
    return
  fi
  case "$cmd" in
    submit-job) COMPREPLY=($(compgen -f -- "$cur"));;
  esac
}
complete -o default -F _ganeti_shell_debug gnt-debug

_ganeti_shell_filter() {
  local cur prev cmd
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'add delete dry-run info list list-fields replace' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    add:--reason) COMPREPLY=(); return;;
    add:--master) COMPREPLY=(); return;;
    add:--priority) COMPREPLY=(); return;;
    add:--predicates) COMPREPLY=(); return;;
    add:--action) COMPREPLY=(); return;;
    add:--file) COMPREPLY=($(compgen -f -- "$cur")); return;;
    replace:--reason) COMPREPLY=(); return;;
    replace:--master) COMPREPLY=(); return;;
    replace:--priority) COMPREPLY=(); return;;
    replace:--predicates) COMPREPLY=(); return;;
    replace:--action) COMPREPLY=(); return;;
    replace:--file) COMPREPLY=($(compgen -f -- "$cur")); return;;
    delete:--reason) COMPREPLY=(); return;;
    delete:--master) COMPREPLY=(); return;;
    list:--reason) COMPREPLY=(); return;;
    list:--master) COMPREPLY=(); return;;
    list:-o|list:--output) _ganeti_shell_live field:filter "$cur"; return;;
    list:--separator) COMPREPLY=(); return;;
    list-fields:--reason) COMPREPLY=(); return;;
    list-fields:--master) COMPREPLY=(); return;;
    list-fields:--separator) COMPREPLY=(); return;;
    info:--reason) COMPREPLY=(); return;;
    info:--master) COMPREPLY=(); return;;
    info:--output) COMPREPLY=($(compgen -W json -- "$cur")); return;;
    dry-run:--reason) COMPREPLY=(); return;;
    dry-run:--master) COMPREPLY=(); return;;
    dry-run:--priority) COMPREPLY=(); return;;
    dry-run:--predicates) COMPREPLY=(); return;;
    dry-run:--action) COMPREPLY=(); return;;
    dry-run:--file) COMPREPLY=($(compgen -f -- "$cur")); return;;
    dry-run:--output) COMPREPLY=($(compgen -W json -- "$cur")); return;;
    dry-run:--uuid) _ganeti_shell_live filter "$cur"; return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      add) COMPREPLY=($(compgen -W '--action --debug --file --help --master --predicates --priority --reason -d -h' -- "$cur"));;
      replace) COMPREPLY=($(compgen -W '--action --debug --file --help --master --predicates --priority --reason -d -h' -- "$cur"));;
      delete) COMPREPLY=($(compgen -W '--debug --help --master --reason -d -h' -- "$cur"));;
      list) COMPREPLY=($(compgen -W '--debug --help --json --master --no-headers --output --reason --separator --verbose -d -h -o -v' -- "$cur"));;
      list-fields) COMPREPLY=($(compgen -W '--debug --help --master --no-headers --reason --separator -d -h' -- "$cur"));;
      info) COMPREPLY=($(compgen -W '--debug --help --master --output --reason -d -h' -- "$cur"));;
      dry-run) COMPREPLY=($(compgen -W '--action --debug --file --help --master --output --predicates --priority --reason --uuid -d -h' -- "$cur"));;
    esac
    return
  fi
  case "$cmd" in
    replace) _ganeti_shell_live filter "$cur";;
    delete) _ganeti_shell_live filter "$cur";;
    list) _ganeti_shell_live filter "$cur";;
    list-fields) _ganeti_shell_live field:filter "$cur";;
    info) _ganeti_shell_live filter "$cur";;
  esac
}
complete -o default -F _ganeti_shell_filter gnt-filter

_ganeti_shell_group() {
  local cur prev cmd
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'add assign-nodes list list-fields' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    add:--reason) COMPREPLY=(); return;;
    add:--master) COMPREPLY=(); return;;
    add:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    add:--alloc-policy) COMPREPLY=($(compgen -W 'preferred last_resort unallocable' -- "$cur")); return;;
    assign-nodes:--reason) COMPREPLY=(); return;;
    assign-nodes:--master) COMPREPLY=(); return;;
    assign-nodes:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    list:--reason) COMPREPLY=(); return;;
    list:--master) COMPREPLY=(); return;;
    list:-o) _ganeti_shell_live field:group "$cur"; return;;
    list:--output) _ganeti_shell_live field:group "$cur"; return;;
    list:--separator) COMPREPLY=(); return;;
    list-fields:--reason) COMPREPLY=(); return;;
    list-fields:--master) COMPREPLY=(); return;;
    list-fields:--separator) COMPREPLY=(); return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      add) COMPREPLY=($(compgen -W '--alloc-policy --debug --dry-run --help --master --print-jobid --priority --reason --submit -d -h' -- "$cur"));;
      assign-nodes) COMPREPLY=($(compgen -W '--debug --dry-run --force --help --master --print-jobid --priority --reason --submit -d -h' -- "$cur"));;
      list) COMPREPLY=($(compgen -W '--debug --filter --help --master --no-headers --output --reason --separator --verbose -F -d -h -o -v' -- "$cur"));;
      list-fields) COMPREPLY=($(compgen -W '--debug --help --master --no-headers --reason --separator -d -h' -- "$cur"));;
    esac
    return
  fi
  case "$cmd" in
    assign-nodes) _ganeti_shell_live group "$cur";;
    list) _ganeti_shell_live group "$cur";;
    list-fields) _ganeti_shell_live field:group "$cur";;
  esac
}
complete -o default -F _ganeti_shell_group gnt-group

_ganeti_shell_instance() {
  local cur prev cmd
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'add change-group failover info list list-fields migrate modify remove replace-disks show shutdown start startup stop' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    add:--reason) COMPREPLY=(); return;;
    add:--master) COMPREPLY=(); return;;
    add:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    add:-t|add:--disk-template) COMPREPLY=($(compgen -W 'diskless file sharedfile plain blockdev drbd rbd ext gluster' -- "$cur")); return;;
    add:-s|add:--os-size) COMPREPLY=(); return;;
    add:--disk) COMPREPLY=(); return;;
    add:--net) COMPREPLY=(); return;;
    add:-B|add:--backend-parameters) COMPREPLY=(); return;;
    add:-H|add:--hypervisor) COMPREPLY=(); return;;
    add:-n|add:--node) _ganeti_shell_live node "$cur"; return;;
    add:-I|add:--iallocator) COMPREPLY=(); return;;
    add:-g|add:--node-group) COMPREPLY=(); return;;
    add:-o|add:--os-type) COMPREPLY=(); return;;
    add:--tags) COMPREPLY=(); return;;
    list:--reason) COMPREPLY=(); return;;
    list:--master) COMPREPLY=(); return;;
    list:-o) _ganeti_shell_live field:instance "$cur"; return;;
    list:--output) _ganeti_shell_live field:instance "$cur"; return;;
    list:--separator) COMPREPLY=(); return;;
    list:--units) COMPREPLY=($(compgen -W 'h m g t' -- "$cur")); return;;
    list-fields:--reason) COMPREPLY=(); return;;
    list-fields:--master) COMPREPLY=(); return;;
    list-fields:--separator) COMPREPLY=(); return;;
    info:--reason|show:--reason) COMPREPLY=(); return;;
    info:--master|show:--master) COMPREPLY=(); return;;
    info:--output|show:--output) COMPREPLY=($(compgen -W json -- "$cur")); return;;
    remove:--reason) COMPREPLY=(); return;;
    remove:--master) COMPREPLY=(); return;;
    remove:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    remove:--shutdown-timeout) COMPREPLY=(); return;;
    startup:--reason|start:--reason) COMPREPLY=(); return;;
    startup:--master|start:--master) COMPREPLY=(); return;;
    startup:--priority|start:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    startup:-B|startup:--backend-parameters|start:-B|start:--backend-parameters) COMPREPLY=(); return;;
    shutdown:--reason|stop:--reason) COMPREPLY=(); return;;
    shutdown:--master|stop:--master) COMPREPLY=(); return;;
    shutdown:--priority|stop:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    shutdown:--timeout|stop:--timeout) COMPREPLY=(); return;;
    failover:--reason) COMPREPLY=(); return;;
    failover:--master) COMPREPLY=(); return;;
    failover:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    failover:-I|failover:--iallocator) COMPREPLY=(); return;;
    failover:-n|failover:--target-node) _ganeti_shell_live node "$cur"; return;;
    failover:--shutdown-timeout) COMPREPLY=(); return;;
    migrate:--reason) COMPREPLY=(); return;;
    migrate:--master) COMPREPLY=(); return;;
    migrate:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    migrate:-I|migrate:--iallocator) COMPREPLY=(); return;;
    migrate:-n|migrate:--target-node) _ganeti_shell_live node "$cur"; return;;
    migrate:--migration-mode) COMPREPLY=($(compgen -W 'live non-live' -- "$cur")); return;;
    replace-disks:--reason) COMPREPLY=(); return;;
    replace-disks:--master) COMPREPLY=(); return;;
    replace-disks:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    replace-disks:-I|replace-disks:--iallocator) COMPREPLY=(); return;;
    replace-disks:-n|replace-disks:--new-secondary) _ganeti_shell_live node "$cur"; return;;
    replace-disks:--disks) COMPREPLY=(); return;;
    change-group:--reason) COMPREPLY=(); return;;
    change-group:--master) COMPREPLY=(); return;;
    change-group:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    change-group:-I|change-group:--iallocator) COMPREPLY=(); return;;
    change-group:--to) _ganeti_shell_live group "$cur"; return;;
    modify:--reason) COMPREPLY=(); return;;
    modify:--master) COMPREPLY=(); return;;
    modify:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    modify:-t|modify:--disk-template) COMPREPLY=($(compgen -W 'diskless file sharedfile plain blockdev drbd rbd ext gluster' -- "$cur")); return;;
    modify:-n|modify:--node) _ganeti_shell_live node "$cur"; return;;
    modify:-I|modify:--iallocator) COMPREPLY=(); return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      add) COMPREPLY=($(compgen -W '--backend-parameters --debug --disk --disk-template --dry-run --help --hypervisor --iallocator --master --net --no-install --no-ip-check --no-name-check --no-nics --no-start --no-wait-for-sync --node --node-group --os-size --os-type --print-jobid --priority --reason --submit --tags -B -H -I -d -g -h -n -o -s -t' -- "$cur"));;
      list) COMPREPLY=($(compgen -W '--debug --filter --help --master --no-headers --output --reason --separator --units --verbose -F -d -h -o -v' -- "$cur"));;
      list-fields) COMPREPLY=($(compgen -W '--debug --help --master --no-headers --reason --separator -d -h' -- "$cur"));;
      info|show) COMPREPLY=($(compgen -W '--debug --help --master --output --reason --static -d -h -s' -- "$cur"));;
      remove) COMPREPLY=($(compgen -W '--debug --dry-run --force --help --ignore-failures --master --print-jobid --priority --reason --shutdown-timeout --submit -d -f -h' -- "$cur"));;
      startup|start) COMPREPLY=($(compgen -W '--backend-parameters --debug --dry-run --force --force-multiple --help --ignore-offline --master --no-remember --paused --print-jobid --priority --reason --submit -B -d -f -h' -- "$cur"));;
      shutdown|stop) COMPREPLY=($(compgen -W '--debug --dry-run --force --force-multiple --help --ignore-offline --master --no-remember --print-jobid --priority --reason --submit --timeout -d -f -h' -- "$cur"));;
      failover) COMPREPLY=($(compgen -W '--cleanup --debug --dry-run --force --help --iallocator --ignore-consistency --ignore-ipolicy --master --print-jobid --priority --reason --shutdown-timeout --submit --target-node -I -d -f -h -n' -- "$cur"));;
      migrate) COMPREPLY=($(compgen -W '--allow-failover --cleanup --debug --dry-run --force --help --iallocator --ignore-hvversions --ignore-ipolicy --master --migration-mode --no-runtime-changes --non-live --print-jobid --priority --reason --submit --target-node -I -d -f -h -n' -- "$cur"));;
      replace-disks) COMPREPLY=($(compgen -W '--auto --debug --disks --dry-run --early-release --help --iallocator --ignore-ipolicy --master --new-secondary --on-primary --on-secondary --print-jobid --priority --reason --submit -I -a -d -h -n -p -s' -- "$cur"));;
      change-group) COMPREPLY=($(compgen -W '--debug --dry-run --early-release --help --iallocator --master --print-jobid --priority --reason --submit --to -I -d -h' -- "$cur"));;
      modify) COMPREPLY=($(compgen -W '--debug --disk-template --dry-run --force --help --iallocator --master --no-wait-for-sync --node --print-jobid --priority --reason --submit -I -d -f -h -n -t' -- "$cur"));;
    esac
    return
  fi
  case "$cmd" in
    list) _ganeti_shell_live instance "$cur";;
    list-fields) _ganeti_shell_live field:instance "$cur";;
    info|show) _ganeti_shell_live instance "$cur";;
    remove) _ganeti_shell_live instance "$cur";;
    startup|start) _ganeti_shell_live instance "$cur";;
    shutdown|stop) _ganeti_shell_live instance "$cur";;
    failover) _ganeti_shell_live instance "$cur";;
    migrate) _ganeti_shell_live instance "$cur";;
    replace-disks) _ganeti_shell_live instance "$cur";;
    change-group) _ganeti_shell_live instance "$cur";;
    modify) _ganeti_shell_live instance "$cur";;
  esac
}
complete -o default -F _ganeti_shell_instance gnt-instance

_ganeti_shell_job() {
  local cur prev cmd
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'archive autoarchive cancel change-priority info list list-fields show wait watch' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    list:--reason) COMPREPLY=(); return;;
    list:--master) COMPREPLY=(); return;;
    list:-o) _ganeti_shell_live field:job "$cur"; return;;
    list:--output) _ganeti_shell_live field:job "$cur"; return;;
    list:--separator) COMPREPLY=(); return;;
    list-fields:--reason) COMPREPLY=(); return;;
    list-fields:--master) COMPREPLY=(); return;;
    list-fields:--separator) COMPREPLY=(); return;;
    info:--reason|show:--reason) COMPREPLY=(); return;;
    info:--master|show:--master) COMPREPLY=(); return;;
    info:--output|show:--output) COMPREPLY=($(compgen -W json -- "$cur")); return;;
    watch:--reason) COMPREPLY=(); return;;
    watch:--master) COMPREPLY=(); return;;
    wait:--reason) COMPREPLY=(); return;;
    wait:--master) COMPREPLY=(); return;;
    cancel:--reason) COMPREPLY=(); return;;
    cancel:--master) COMPREPLY=(); return;;
    change-priority:--reason) COMPREPLY=(); return;;
    change-priority:--master) COMPREPLY=(); return;;
    change-priority:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    archive:--reason) COMPREPLY=(); return;;
    archive:--master) COMPREPLY=(); return;;
    autoarchive:--reason) COMPREPLY=(); return;;
    autoarchive:--master) COMPREPLY=(); return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      list) COMPREPLY=($(compgen -W '--archived --debug --error --filter --finished --help --master --no-headers --output --pending --reason --running --separator --verbose -F -d -h -o -v' -- "$cur"));;
      list-fields) COMPREPLY=($(compgen -W '--debug --help --master --no-headers --reason --separator -d -h' -- "$cur"));;
      info|show) COMPREPLY=($(compgen -W '--debug --help --master --output --reason -d -h' -- "$cur"));;
      watch) COMPREPLY=($(compgen -W '--debug --help --master --reason -d -h' -- "$cur"));;
      wait) COMPREPLY=($(compgen -W '--debug --help --master --reason -d -h' -- "$cur"));;
      cancel) COMPREPLY=($(compgen -W '--debug --force --help --kill --master --pending --queued --reason --waiting --ya-rly --yes-do-it -d -f -h' -- "$cur"));;
      change-priority) COMPREPLY=($(compgen -W '--debug --force --help --master --pending --priority --queued --reason --waiting -d -f -h' -- "$cur"));;
      archive) COMPREPLY=($(compgen -W '--debug --help --master --reason -d -h' -- "$cur"));;
      autoarchive) COMPREPLY=($(compgen -W '--debug --help --master --reason -d -h' -- "$cur"));;
    esac
    return
  fi
  case "$cmd" in
    list) _ganeti_shell_live job "$cur";;
    list-fields) _ganeti_shell_live field:job "$cur";;
    info|show) _ganeti_shell_live job "$cur";;
    watch) _ganeti_shell_live job "$cur";;
    wait) _ganeti_shell_live job "$cur";;
    cancel) _ganeti_shell_live job "$cur";;
    change-priority) _ganeti_shell_live job "$cur";;
    archive) _ganeti_shell_live job "$cur";;
  esac
}
complete -o default -F _ganeti_shell_job gnt-job

_ganeti_shell_node() {
  local cur prev cmd
  cur="${COMP_WORDS[COMP_CWORD]}"; prev="${COMP_WORDS[COMP_CWORD-1]}"
  local base=1; [[ "${COMP_WORDS[0]##*/}" == ganeti-shell ]] && base=2
  if (( COMP_CWORD == base )); then
    COMPREPLY=($(compgen -W 'add evacuate info list list-fields remove show' -- "$cur")); return
  fi
  cmd="${COMP_WORDS[base]}"
  case "$cmd:$prev" in
    add:--reason) COMPREPLY=(); return;;
    add:--master) COMPREPLY=(); return;;
    add:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    add:--address) COMPREPLY=(); return;;
    add:--join-token-file) COMPREPLY=($(compgen -f -- "$cur")); return;;
    add:-s|add:--secondary-ip) COMPREPLY=(); return;;
    add:-g|add:--node-group) _ganeti_shell_live group "$cur"; return;;
    list:--reason) COMPREPLY=(); return;;
    list:--master) COMPREPLY=(); return;;
    list:-o) _ganeti_shell_live field:node "$cur"; return;;
    list:--output) _ganeti_shell_live field:node "$cur"; return;;
    list:--separator) COMPREPLY=(); return;;
    list:--units) COMPREPLY=($(compgen -W 'h m g t' -- "$cur")); return;;
    list-fields:--reason) COMPREPLY=(); return;;
    list-fields:--master) COMPREPLY=(); return;;
    list-fields:--separator) COMPREPLY=(); return;;
    info:--reason|show:--reason) COMPREPLY=(); return;;
    info:--master|show:--master) COMPREPLY=(); return;;
    info:--output|show:--output) COMPREPLY=($(compgen -W json -- "$cur")); return;;
    remove:--reason) COMPREPLY=(); return;;
    remove:--master) COMPREPLY=(); return;;
    remove:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    evacuate:--reason) COMPREPLY=(); return;;
    evacuate:--master) COMPREPLY=(); return;;
    evacuate:--priority) COMPREPLY=($(compgen -W 'low normal high' -- "$cur")); return;;
    evacuate:-I|evacuate:--iallocator) COMPREPLY=(); return;;
    evacuate:-n|evacuate:--new-secondary) _ganeti_shell_live node "$cur"; return;;
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
      add) COMPREPLY=($(compgen -W '--address --debug --dry-run --help --join-token-file --master --node-group --print-jobid --priority --reason --secondary-ip --submit -d -g -h -s' -- "$cur"));;
      list) COMPREPLY=($(compgen -W '--debug --filter --help --master --no-headers --output --reason --separator --units --verbose -F -d -h -o -v' -- "$cur"));;
      list-fields) COMPREPLY=($(compgen -W '--debug --help --master --no-headers --reason --separator -d -h' -- "$cur"));;
      info|show) COMPREPLY=($(compgen -W '--debug --help --master --output --reason -d -h' -- "$cur"));;
      remove) COMPREPLY=($(compgen -W '--debug --dry-run --help --master --print-jobid --priority --reason --submit -d -h' -- "$cur"));;
      evacuate) COMPREPLY=($(compgen -W '--debug --dry-run --early-release --force --help --iallocator --ignore-soft-errors --master --new-secondary --primary-only --print-jobid --priority --reason --secondary-only --submit -I -d -f -h -n -p -s' -- "$cur"));;
    esac
    return
  fi
  case "$cmd" in
    list) _ganeti_shell_live node "$cur";;
    list-fields) _ganeti_shell_live field:node "$cur";;
    info|show) _ganeti_shell_live node "$cur";;
    remove) _ganeti_shell_live node "$cur";;
    evacuate) _ganeti_shell_live node "$cur";;
  esac
}
complete -o default -F _ganeti_shell_node gnt-node

_ganeti_shell() {
  if (( COMP_CWORD == 1 )); then
    COMPREPLY=($(compgen -W 'agent cluster completion debug demo filter group hail hbal hcheck hinfo hroller hspace hsqueeze instance job node repl tui' -- "${COMP_WORDS[1]}")); return
  fi
  case "${COMP_WORDS[1]}" in
    cluster) _ganeti_shell_cluster;;
    debug) _ganeti_shell_debug;;
    filter) _ganeti_shell_filter;;
    group) _ganeti_shell_group;;
    instance) _ganeti_shell_instance;;
    job) _ganeti_shell_job;;
    node) _ganeti_shell_node;;
    completion) (( COMP_CWORD == 2 )) && COMPREPLY=($(compgen -W "bash zsh fish" -- "${COMP_WORDS[2]}"));;
  esac
}
complete -o default -F _ganeti_shell ganeti-shell
