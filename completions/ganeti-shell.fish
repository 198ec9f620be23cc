# fish completion for ganeti-shell and its gnt-* programs.
# Generated from the command tree by `ganeti-shell completion fish`; do not edit.

# True when the command line is in GROUP (as gnt-GROUP or `ganeti-shell GROUP`) and,
# with no CMD given, its command is still to be typed; else when its command is one of CMD.
function __ganeti_shell_at
    set -l group $argv[1]
    set -e argv[1]
    set -l tokens (commandline -opc)
    set -l prog (string replace -r '.*/' '' -- $tokens[1])
    set -e tokens[1]
    if test "$prog" = ganeti-shell
        test "$tokens[1]" = "$group"; or return 1
        set -e tokens[1]
    end
    set -l cmd
    for token in $tokens
        if not string match -q -- '-*' $token
            set cmd $token
            break
        end
    end
    if test (count $argv) -eq 0
        test -z "$cmd"
        return
    end
    contains -- "$cmd" $argv
end

function __ganeti_shell_top
    test (count (commandline -opc)) -eq 1
end

# Live names from the master (empty when it cannot be reached).
function __ganeti_shell_live
    command ganeti-shell __complete --describe $argv[1] (commandline -ct) 2>/dev/null
end

complete -c ganeti-shell -n __ganeti_shell_top -f
complete -c ganeti-shell -n __ganeti_shell_top -a agent -d 'run a node agent (with --master, the master too)'
complete -c ganeti-shell -n __ganeti_shell_top -a cluster -d 'Cluster administration'
complete -c ganeti-shell -n __ganeti_shell_top -a completion -d 'print a shell completion script (bash, zsh or fish)'
complete -c ganeti-shell -n __ganeti_shell_top -a debug -d 'Debugging commands'
complete -c ganeti-shell -n __ganeti_shell_top -a demo -d 'start a local cluster on loopback and open the shell'
complete -c ganeti-shell -n __ganeti_shell_top -a filter -d 'Job filter rules'
complete -c ganeti-shell -n __ganeti_shell_top -a group -d 'Node group administration'
complete -c ganeti-shell -n __ganeti_shell_top -a hail -d 'Ganeti'"'"'s hail'
complete -c ganeti-shell -n __ganeti_shell_top -a hbal -d 'Ganeti'"'"'s hbal'
complete -c ganeti-shell -n __ganeti_shell_top -a hcheck -d 'Ganeti'"'"'s hcheck'
complete -c ganeti-shell -n __ganeti_shell_top -a hinfo -d 'Ganeti'"'"'s hinfo'
complete -c ganeti-shell -n __ganeti_shell_top -a hroller -d 'Ganeti'"'"'s hroller'
complete -c ganeti-shell -n __ganeti_shell_top -a hspace -d 'Ganeti'"'"'s hspace'
complete -c ganeti-shell -n __ganeti_shell_top -a hsqueeze -d 'Ganeti'"'"'s hsqueeze'
complete -c ganeti-shell -n __ganeti_shell_top -a instance -d 'Instance administration'
complete -c ganeti-shell -n __ganeti_shell_top -a job -d 'Job queue'
complete -c ganeti-shell -n __ganeti_shell_top -a node -d 'Node administration'
complete -c ganeti-shell -n __ganeti_shell_top -a repl -d 'open the interactive shell'
complete -c ganeti-shell -n __ganeti_shell_top -a tui -d 'open the full-screen terminal interface'
complete -c ganeti-shell -n '__fish_seen_subcommand_from completion' -f -a 'bash zsh fish'

# gnt-cluster: Cluster administration
for prog in gnt-cluster ganeti-shell
    complete -c $prog -f -n '__ganeti_shell_at cluster' -a init -d 'Create a new cluster with this machine'"'"'s agent as master node'
    complete -c $prog -f -n '__ganeti_shell_at cluster' -a info -d 'Show the cluster'"'"'s configuration'
    complete -c $prog -f -n '__ganeti_shell_at cluster' -a verify -d 'Verify the configuration and the nodes'"'"' state'
    complete -c $prog -f -n '__ganeti_shell_at cluster' -a queue -d 'Drain, undrain or show the job queue'"'"'s drain flag'
    complete -c $prog -f -n '__ganeti_shell_at cluster' -a modify -d 'Change cluster parameters'
    complete -c $prog -n '__ganeti_shell_at cluster init' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at cluster init' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at cluster init' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at cluster init' -l state-dir -d 'state directory of the master' -x
    complete -c $prog -n '__ganeti_shell_at cluster init' -l master-node -d 'name of the master node (default: this host'"'"'s name)' -x
    complete -c $prog -n '__ganeti_shell_at cluster init' -l listen -d 'address of the master node'"'"'s agent' -x
    complete -c $prog -n '__ganeti_shell_at cluster init' -l enabled-disk-templates -d 'comma-separated disk templates, the first is the default' -x
    complete -c $prog -n '__ganeti_shell_at cluster init' -s I -l default-iallocator -d 'default instance allocator, hail being the built-in one' -x
    complete -c $prog -n '__ganeti_shell_at cluster init' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at cluster init' -f
    complete -c $prog -n '__ganeti_shell_at cluster info' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at cluster info' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at cluster info' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at cluster info' -l output -d ''"'"'json'"'"' prints JSON for scripts' -x -a json
    complete -c $prog -n '__ganeti_shell_at cluster info' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at cluster info' -f
    complete -c $prog -n '__ganeti_shell_at cluster verify' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at cluster verify' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at cluster verify' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at cluster verify' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at cluster verify' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at cluster verify' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at cluster verify' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at cluster verify' -l error-codes -d 'print error codes in machine-parseable form'
    complete -c $prog -n '__ganeti_shell_at cluster verify' -s I -l ignore-errors -d 'demote an error code to a warning' -x
    complete -c $prog -n '__ganeti_shell_at cluster verify' -l no-nplus1-mem -d 'skip the N+1 memory check'
    complete -c $prog -n '__ganeti_shell_at cluster verify' -s g -l node-group -d 'verify only this node group' -x
    complete -c $prog -n '__ganeti_shell_at cluster verify' -s v -l verbose -d 'verbose output'
    complete -c $prog -n '__ganeti_shell_at cluster verify' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at cluster verify' -f
    complete -c $prog -n '__ganeti_shell_at cluster queue' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at cluster queue' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at cluster queue' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at cluster queue' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at cluster queue' -f
    complete -c $prog -n '__ganeti_shell_at cluster modify' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at cluster modify' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at cluster modify' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at cluster modify' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at cluster modify' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at cluster modify' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at cluster modify' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at cluster modify' -l max-running-jobs -d 'how many jobs may run at once' -x
    complete -c $prog -n '__ganeti_shell_at cluster modify' -l max-tracked-jobs -d 'how many running jobs are tracked' -x
    complete -c $prog -n '__ganeti_shell_at cluster modify' -s C -l candidate-pool-size -d 'master candidates to keep' -x
    complete -c $prog -n '__ganeti_shell_at cluster modify' -s I -l default-iallocator -d 'default instance allocator' -x
    complete -c $prog -n '__ganeti_shell_at cluster modify' -l default-iallocator-params -d 'options passed to the default allocator' -x
    complete -c $prog -n '__ganeti_shell_at cluster modify' -l mac-prefix -d 'prefix of generated MAC addresses' -x
    complete -c $prog -n '__ganeti_shell_at cluster modify' -s B -l backend-parameters -d 'default backend parameters' -x
    complete -c $prog -n '__ganeti_shell_at cluster modify' -l enabled-disk-templates -d 'comma-separated disk templates' -x
    complete -c $prog -n '__ganeti_shell_at cluster modify' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at cluster modify' -f
end

# gnt-debug: Debugging commands
for prog in gnt-debug ganeti-shell
    complete -c $prog -f -n '__ganeti_shell_at debug' -a delay -d 'Submit an OP_TEST_DELAY job that sleeps DURATION seconds'
    complete -c $prog -f -n '__ganeti_shell_at debug' -a submit-job -d 'Submit jobs built from JSON files, each a list of serialized opcodes'
    complete -c $prog -f -n '__ganeti_shell_at debug' -a locks -d 'Show the locks that are held or wanted'
    complete -c $prog -n '__ganeti_shell_at debug delay' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at debug delay' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at debug delay' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at debug delay' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at debug delay' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at debug delay' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at debug delay' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at debug delay' -l no-master -d 'do not sleep on the master'
    complete -c $prog -n '__ganeti_shell_at debug delay' -s n -d 'also sleep on this node (repeatable)' -x -a '(__ganeti_shell_live node)'
    complete -c $prog -n '__ganeti_shell_at debug delay' -s r -l repeat -d 'repeat the delay N times' -x
    complete -c $prog -n '__ganeti_shell_at debug delay' -s i -l interruptible -d 'allow interrupting the delay'
    complete -c $prog -n '__ganeti_shell_at debug delay' -s l -l no-locks -d 'do not acquire locks'
    complete -c $prog -n '__ganeti_shell_at debug delay' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at debug delay' -f
    complete -c $prog -n '__ganeti_shell_at debug submit-job' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at debug submit-job' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at debug submit-job' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at debug submit-job' -s v -l verbose -d 'list the submitted job ids'
    complete -c $prog -n '__ganeti_shell_at debug submit-job' -l op-repeat -d 'repeat each file'"'"'s opcode list N times in its job' -x
    complete -c $prog -n '__ganeti_shell_at debug submit-job' -l job-repeat -d 'submit the jobs of all files N times' -x
    complete -c $prog -n '__ganeti_shell_at debug submit-job' -l timing-stats -d 'show the counts and the submit and execution times'
    complete -c $prog -n '__ganeti_shell_at debug submit-job' -l each -d 'submit each job separately instead of in one call'
    complete -c $prog -n '__ganeti_shell_at debug submit-job' -l dry-run -d 'only check the operations, do not execute them'
    complete -c $prog -n '__ganeti_shell_at debug submit-job' -l priority -d 'priority of the jobs' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at debug submit-job' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at debug submit-job' -F
    complete -c $prog -n '__ganeti_shell_at debug locks' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at debug locks' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at debug locks' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at debug locks' -s o -l output -d 'fields: name, mode, owner, pending' -x
    complete -c $prog -n '__ganeti_shell_at debug locks' -l no-headers -d 'omit the header row'
    complete -c $prog -n '__ganeti_shell_at debug locks' -l separator -d 'column separator' -x
    complete -c $prog -n '__ganeti_shell_at debug locks' -s v -l verbose -d 'verbose output'
    complete -c $prog -n '__ganeti_shell_at debug locks' -l interval -d 'repeat every N seconds' -x
    complete -c $prog -n '__ganeti_shell_at debug locks' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at debug locks' -f
end

# gnt-filter: Job filter rules
for prog in gnt-filter ganeti-shell
    complete -c $prog -f -n '__ganeti_shell_at filter' -a add -d 'Add a job filter rule; prints its uuid'
    complete -c $prog -f -n '__ganeti_shell_at filter' -a replace -d 'Replace a rule entirely (or create it with this uuid)'
    complete -c $prog -f -n '__ganeti_shell_at filter' -a delete -d 'Delete a rule'
    complete -c $prog -f -n '__ganeti_shell_at filter' -a list -d 'List the rules, sorted by uuid'
    complete -c $prog -f -n '__ganeti_shell_at filter' -a list-fields -d 'List the fields of filter list'
    complete -c $prog -f -n '__ganeti_shell_at filter' -a info -d 'Show rules'
    complete -c $prog -f -n '__ganeti_shell_at filter' -a dry-run -d 'Show which queued and running jobs a rule would match, and what it would do'
    complete -c $prog -n '__ganeti_shell_at filter add' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at filter add' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at filter add' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at filter add' -l priority -d 'rule priority, lower is consulted first (default 0)' -x
    complete -c $prog -n '__ganeti_shell_at filter add' -l predicates -d 'JSON list of [kind, expression] predicates (default [])' -x
    complete -c $prog -n '__ganeti_shell_at filter add' -l action -d 'ACCEPT, PAUSE, REJECT, CONTINUE or '"'"'RATE_LIMIT n'"'"' (default CONTINUE)' -x
    complete -c $prog -n '__ganeti_shell_at filter add' -l file -d 'read the whole rule as one JSON document from FILE ('"'"'-'"'"' for stdin)' -r -F
    complete -c $prog -n '__ganeti_shell_at filter add' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at filter add' -f
    complete -c $prog -n '__ganeti_shell_at filter replace' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at filter replace' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at filter replace' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at filter replace' -l priority -d 'rule priority, lower is consulted first (default 0)' -x
    complete -c $prog -n '__ganeti_shell_at filter replace' -l predicates -d 'JSON list of [kind, expression] predicates (default [])' -x
    complete -c $prog -n '__ganeti_shell_at filter replace' -l action -d 'ACCEPT, PAUSE, REJECT, CONTINUE or '"'"'RATE_LIMIT n'"'"' (default CONTINUE)' -x
    complete -c $prog -n '__ganeti_shell_at filter replace' -l file -d 'read the whole rule as one JSON document from FILE ('"'"'-'"'"' for stdin)' -r -F
    complete -c $prog -n '__ganeti_shell_at filter replace' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at filter replace' -f -a '(__ganeti_shell_live filter)'
    complete -c $prog -n '__ganeti_shell_at filter delete' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at filter delete' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at filter delete' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at filter delete' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at filter delete' -f -a '(__ganeti_shell_live filter)'
    complete -c $prog -n '__ganeti_shell_at filter list' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at filter list' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at filter list' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at filter list' -s o -l output -d 'fields ([+]FIELD,...)' -x -a '(__ganeti_shell_live field:filter)'
    complete -c $prog -n '__ganeti_shell_at filter list' -l no-headers -d 'omit the header row'
    complete -c $prog -n '__ganeti_shell_at filter list' -l separator -d 'column separator' -x
    complete -c $prog -n '__ganeti_shell_at filter list' -s v -l verbose -d 'verbose output'
    complete -c $prog -n '__ganeti_shell_at filter list' -l json -d 'print JSON for scripts'
    complete -c $prog -n '__ganeti_shell_at filter list' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at filter list' -f -a '(__ganeti_shell_live filter)'
    complete -c $prog -n '__ganeti_shell_at filter list-fields' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at filter list-fields' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at filter list-fields' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at filter list-fields' -l no-headers -d 'omit the header row'
    complete -c $prog -n '__ganeti_shell_at filter list-fields' -l separator -d 'column separator' -x
    complete -c $prog -n '__ganeti_shell_at filter list-fields' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at filter list-fields' -f -a '(__ganeti_shell_live field:filter)'
    complete -c $prog -n '__ganeti_shell_at filter info' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at filter info' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at filter info' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at filter info' -l output -d ''"'"'json'"'"' prints JSON for scripts' -x -a json
    complete -c $prog -n '__ganeti_shell_at filter info' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at filter info' -f -a '(__ganeti_shell_live filter)'
    complete -c $prog -n '__ganeti_shell_at filter dry-run' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at filter dry-run' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at filter dry-run' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at filter dry-run' -l priority -d 'rule priority, lower is consulted first (default 0)' -x
    complete -c $prog -n '__ganeti_shell_at filter dry-run' -l predicates -d 'JSON list of [kind, expression] predicates (default [])' -x
    complete -c $prog -n '__ganeti_shell_at filter dry-run' -l action -d 'ACCEPT, PAUSE, REJECT, CONTINUE or '"'"'RATE_LIMIT n'"'"' (default CONTINUE)' -x
    complete -c $prog -n '__ganeti_shell_at filter dry-run' -l file -d 'read the whole rule as one JSON document from FILE ('"'"'-'"'"' for stdin)' -r -F
    complete -c $prog -n '__ganeti_shell_at filter dry-run' -l output -d ''"'"'json'"'"' prints JSON for scripts' -x -a json
    complete -c $prog -n '__ganeti_shell_at filter dry-run' -l uuid -d 'as a replacement of this rule' -x -a '(__ganeti_shell_live filter)'
    complete -c $prog -n '__ganeti_shell_at filter dry-run' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at filter dry-run' -f
end

# gnt-group: Node group administration
for prog in gnt-group ganeti-shell
    complete -c $prog -f -n '__ganeti_shell_at group' -a add -d 'Add a node group'
    complete -c $prog -f -n '__ganeti_shell_at group' -a assign-nodes -d 'Move nodes into a node group'
    complete -c $prog -f -n '__ganeti_shell_at group' -a list -d 'List node groups'
    complete -c $prog -f -n '__ganeti_shell_at group' -a list-fields -d 'List the fields of group list'
    complete -c $prog -n '__ganeti_shell_at group add' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at group add' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at group add' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at group add' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at group add' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at group add' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at group add' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at group add' -l alloc-policy -d 'allocation policy of the group' -x -a 'preferred last_resort unallocable'
    complete -c $prog -n '__ganeti_shell_at group add' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at group add' -f
    complete -c $prog -n '__ganeti_shell_at group assign-nodes' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at group assign-nodes' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at group assign-nodes' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at group assign-nodes' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at group assign-nodes' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at group assign-nodes' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at group assign-nodes' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at group assign-nodes' -l force -d 'split mirrored instances across groups if needed'
    complete -c $prog -n '__ganeti_shell_at group assign-nodes' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at group assign-nodes' -f -a '(__ganeti_shell_live group)'
    complete -c $prog -n '__ganeti_shell_at group list' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at group list' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at group list' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at group list' -s o -d 'comma-separated fields; +FIELD,... extends the defaults' -x -a '(__ganeti_shell_live field:group)'
    complete -c $prog -n '__ganeti_shell_at group list' -l output -d 'fields as with -o, or '"'"'json'"'"' to print the rows as JSON for scripts' -x -a '(__ganeti_shell_live field:group)'
    complete -c $prog -n '__ganeti_shell_at group list' -l no-headers -d 'omit the header row'
    complete -c $prog -n '__ganeti_shell_at group list' -s F -l filter -d 'treat the argument as a query filter ('"'"'name =~ /^web/ and status == "running"'"'"')'
    complete -c $prog -n '__ganeti_shell_at group list' -l separator -d 'separate columns with SEP, without padding' -x
    complete -c $prog -n '__ganeti_shell_at group list' -s v -l verbose -d 'spell out unavailable values'
    complete -c $prog -n '__ganeti_shell_at group list' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at group list' -f -a '(__ganeti_shell_live group)'
    complete -c $prog -n '__ganeti_shell_at group list-fields' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at group list-fields' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at group list-fields' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at group list-fields' -l no-headers -d 'omit the header row'
    complete -c $prog -n '__ganeti_shell_at group list-fields' -l separator -d 'column separator' -x
    complete -c $prog -n '__ganeti_shell_at group list-fields' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at group list-fields' -f -a '(__ganeti_shell_live field:group)'
end

# gnt-instance: Instance administration
for prog in gnt-instance ganeti-shell
    complete -c $prog -f -n '__ganeti_shell_at instance' -a add -d 'Create an instance'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a list -d 'List instances'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a list-fields -d 'List the fields of instance list'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a info -d 'Show instance details'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a show -d 'Show instance details'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a remove -d 'Remove an instance and its disks'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a startup -d 'Start instances'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a start -d 'Start instances'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a shutdown -d 'Stop instances'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a stop -d 'Stop instances'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a failover -d 'Stop the instance and start it on another node'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a migrate -d 'Live-migrate the instance to another node'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a replace-disks -d 'Rebuild a DRBD instance'"'"'s disks or move its secondary'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a change-group -d 'Move the instance to another node group'
    complete -c $prog -f -n '__ganeti_shell_at instance' -a modify -d 'Change the instance'"'"'s disk template (converting its disks)'
    complete -c $prog -n '__ganeti_shell_at instance add' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at instance add' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at instance add' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at instance add' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at instance add' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at instance add' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at instance add' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at instance add' -s t -l disk-template -d 'disk template' -x -a 'diskless file sharedfile plain blockdev drbd rbd ext gluster'
    complete -c $prog -n '__ganeti_shell_at instance add' -s s -l os-size -d 'size of the single disk' -x
    complete -c $prog -n '__ganeti_shell_at instance add' -l disk -d 'disk N: size=SIZE[,mode=ro|rw,name=NAME]' -x
    complete -c $prog -n '__ganeti_shell_at instance add' -l net -d 'NIC N: mac=,ip=,mode=,link=,name=' -x
    complete -c $prog -n '__ganeti_shell_at instance add' -l no-nics -d 'create the instance without NICs'
    complete -c $prog -n '__ganeti_shell_at instance add' -s B -l backend-parameters -d 'backend parameters (memory=512,vcpus=2)' -x
    complete -c $prog -n '__ganeti_shell_at instance add' -s H -l hypervisor -d hypervisor -x
    complete -c $prog -n '__ganeti_shell_at instance add' -s n -l node -d 'primary node[:secondary node]' -x -a '(__ganeti_shell_live node)'
    complete -c $prog -n '__ganeti_shell_at instance add' -s I -l iallocator -d 'instance allocator' -x
    complete -c $prog -n '__ganeti_shell_at instance add' -s g -l node-group -d 'node group the allocator places the instance in' -x
    complete -c $prog -n '__ganeti_shell_at instance add' -s o -l os-type -d 'operating system' -x
    complete -c $prog -n '__ganeti_shell_at instance add' -l no-start -d 'do not start the instance'
    complete -c $prog -n '__ganeti_shell_at instance add' -l no-install -d 'do not install the OS'
    complete -c $prog -n '__ganeti_shell_at instance add' -l no-wait-for-sync -d 'do not wait for the disks to sync'
    complete -c $prog -n '__ganeti_shell_at instance add' -l no-name-check -d 'do not check the name'
    complete -c $prog -n '__ganeti_shell_at instance add' -l no-ip-check -d 'do not check the IP address'
    complete -c $prog -n '__ganeti_shell_at instance add' -l tags -d 'comma-separated tags' -x
    complete -c $prog -n '__ganeti_shell_at instance add' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at instance add' -f
    complete -c $prog -n '__ganeti_shell_at instance list' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at instance list' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at instance list' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at instance list' -s o -d 'comma-separated fields; +FIELD,... extends the defaults' -x -a '(__ganeti_shell_live field:instance)'
    complete -c $prog -n '__ganeti_shell_at instance list' -l output -d 'fields as with -o, or '"'"'json'"'"' to print the rows as JSON for scripts' -x -a '(__ganeti_shell_live field:instance)'
    complete -c $prog -n '__ganeti_shell_at instance list' -l no-headers -d 'omit the header row'
    complete -c $prog -n '__ganeti_shell_at instance list' -s F -l filter -d 'treat the argument as a query filter ('"'"'name =~ /^web/ and status == "running"'"'"')'
    complete -c $prog -n '__ganeti_shell_at instance list' -l separator -d 'separate columns with SEP, without padding' -x
    complete -c $prog -n '__ganeti_shell_at instance list' -s v -l verbose -d 'spell out unavailable values'
    complete -c $prog -n '__ganeti_shell_at instance list' -l units -d 'unit of size fields' -x -a 'h m g t'
    complete -c $prog -n '__ganeti_shell_at instance list' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at instance list' -f -a '(__ganeti_shell_live instance)'
    complete -c $prog -n '__ganeti_shell_at instance list-fields' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at instance list-fields' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at instance list-fields' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at instance list-fields' -l no-headers -d 'omit the header row'
    complete -c $prog -n '__ganeti_shell_at instance list-fields' -l separator -d 'column separator' -x
    complete -c $prog -n '__ganeti_shell_at instance list-fields' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at instance list-fields' -f -a '(__ganeti_shell_live field:instance)'
    complete -c $prog -n '__ganeti_shell_at instance info show' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at instance info show' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at instance info show' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at instance info show' -l output -d ''"'"'json'"'"' prints JSON for scripts' -x -a json
    complete -c $prog -n '__ganeti_shell_at instance info show' -s s -l static -d 'do not ask the nodes'
    complete -c $prog -n '__ganeti_shell_at instance info show' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at instance info show' -f -a '(__ganeti_shell_live instance)'
    complete -c $prog -n '__ganeti_shell_at instance remove' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at instance remove' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at instance remove' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at instance remove' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at instance remove' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at instance remove' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at instance remove' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at instance remove' -s f -l force -d 'do not ask for confirmation'
    complete -c $prog -n '__ganeti_shell_at instance remove' -l ignore-failures -d 'remove from the configuration even if the nodes fail'
    complete -c $prog -n '__ganeti_shell_at instance remove' -l shutdown-timeout -d 'seconds to wait for the shutdown' -x
    complete -c $prog -n '__ganeti_shell_at instance remove' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at instance remove' -f -a '(__ganeti_shell_live instance)'
    complete -c $prog -n '__ganeti_shell_at instance startup start' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at instance startup start' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at instance startup start' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at instance startup start' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at instance startup start' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at instance startup start' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at instance startup start' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at instance startup start' -s f -l force -d 'do not ask for confirmation'
    complete -c $prog -n '__ganeti_shell_at instance startup start' -l force-multiple -d 'operate on several instances without asking'
    complete -c $prog -n '__ganeti_shell_at instance startup start' -l ignore-offline -d 'ignore an offline primary node'
    complete -c $prog -n '__ganeti_shell_at instance startup start' -l no-remember -d 'do not record the new state in the configuration'
    complete -c $prog -n '__ganeti_shell_at instance startup start' -l paused -d 'start paused'
    complete -c $prog -n '__ganeti_shell_at instance startup start' -s B -l backend-parameters -d 'temporary backend parameters' -x
    complete -c $prog -n '__ganeti_shell_at instance startup start' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at instance startup start' -f -a '(__ganeti_shell_live instance)'
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -s f -l force -d 'do not ask for confirmation'
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -l force-multiple -d 'operate on several instances without asking'
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -l ignore-offline -d 'ignore an offline primary node'
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -l no-remember -d 'do not record the new state in the configuration'
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -l timeout -d 'seconds to wait before killing' -x
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at instance shutdown stop' -f -a '(__ganeti_shell_live instance)'
    complete -c $prog -n '__ganeti_shell_at instance failover' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at instance failover' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at instance failover' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at instance failover' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at instance failover' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at instance failover' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at instance failover' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at instance failover' -s f -l force -d 'do not ask for confirmation'
    complete -c $prog -n '__ganeti_shell_at instance failover' -s I -l iallocator -d 'instance allocator choosing the target' -x
    complete -c $prog -n '__ganeti_shell_at instance failover' -s n -l target-node -d 'target node' -x -a '(__ganeti_shell_live node)'
    complete -c $prog -n '__ganeti_shell_at instance failover' -l ignore-ipolicy -d 'ignore instance policy violations'
    complete -c $prog -n '__ganeti_shell_at instance failover' -l ignore-consistency -d 'ignore the consistency of the disks on the secondary'
    complete -c $prog -n '__ganeti_shell_at instance failover' -l shutdown-timeout -d 'seconds to wait for the shutdown' -x
    complete -c $prog -n '__ganeti_shell_at instance failover' -l cleanup -d 'clean up after a failed failover'
    complete -c $prog -n '__ganeti_shell_at instance failover' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at instance failover' -f -a '(__ganeti_shell_live instance)'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -s f -l force -d 'do not ask for confirmation'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -s I -l iallocator -d 'instance allocator choosing the target' -x
    complete -c $prog -n '__ganeti_shell_at instance migrate' -s n -l target-node -d 'target node' -x -a '(__ganeti_shell_live node)'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l ignore-ipolicy -d 'ignore instance policy violations'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l non-live -d 'stop the instance during the migration'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l migration-mode -d 'live or non-live' -x -a 'live non-live'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l cleanup -d 'recover from a failed migration'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l allow-failover -d 'fail over when the instance cannot be migrated'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l no-runtime-changes -d 'do not balloon the instance'"'"'s memory'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -l ignore-hvversions -d 'ignore hypervisor version differences'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at instance migrate' -f -a '(__ganeti_shell_live instance)'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -s I -l iallocator -d 'instance allocator choosing the target' -x
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -l ignore-ipolicy -d 'ignore instance policy violations'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -s p -l on-primary -d 'rebuild the disks on the primary'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -s s -l on-secondary -d 'rebuild the disks on the secondary'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -s a -l auto -d 'rebuild the faulty side'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -s n -l new-secondary -d 'move the secondary to this node' -x -a '(__ganeti_shell_live node)'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -l disks -d 'disk indices, comma-separated' -x
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -l early-release -d 'release old storage before the resync ends'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at instance replace-disks' -f -a '(__ganeti_shell_live instance)'
    complete -c $prog -n '__ganeti_shell_at instance change-group' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at instance change-group' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at instance change-group' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at instance change-group' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at instance change-group' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at instance change-group' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at instance change-group' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at instance change-group' -s I -l iallocator -d 'instance allocator choosing the target' -x
    complete -c $prog -n '__ganeti_shell_at instance change-group' -l to -d 'target node group (repeatable; default: any other group)' -x -a '(__ganeti_shell_live group)'
    complete -c $prog -n '__ganeti_shell_at instance change-group' -l early-release -d 'release locks on the old secondary early'
    complete -c $prog -n '__ganeti_shell_at instance change-group' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at instance change-group' -f -a '(__ganeti_shell_live instance)'
    complete -c $prog -n '__ganeti_shell_at instance modify' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at instance modify' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at instance modify' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at instance modify' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at instance modify' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at instance modify' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at instance modify' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at instance modify' -s t -l disk-template -d 'new disk template' -x -a 'diskless file sharedfile plain blockdev drbd rbd ext gluster'
    complete -c $prog -n '__ganeti_shell_at instance modify' -s n -l node -d 'secondary node for a conversion to drbd' -x -a '(__ganeti_shell_live node)'
    complete -c $prog -n '__ganeti_shell_at instance modify' -s I -l iallocator -d 'instance allocator choosing the secondary' -x
    complete -c $prog -n '__ganeti_shell_at instance modify' -l no-wait-for-sync -d 'do not wait for the disks to synchronise'
    complete -c $prog -n '__ganeti_shell_at instance modify' -s f -l force -d 'force the change'
    complete -c $prog -n '__ganeti_shell_at instance modify' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at instance modify' -f -a '(__ganeti_shell_live instance)'
end

# gnt-job: Job queue
for prog in gnt-job ganeti-shell
    complete -c $prog -f -n '__ganeti_shell_at job' -a list -d 'List jobs'
    complete -c $prog -f -n '__ganeti_shell_at job' -a list-fields -d 'List the fields of job list'
    complete -c $prog -f -n '__ganeti_shell_at job' -a info -d 'Show job details'
    complete -c $prog -f -n '__ganeti_shell_at job' -a show -d 'Show job details'
    complete -c $prog -f -n '__ganeti_shell_at job' -a watch -d 'Follow a job'"'"'s log until it ends'
    complete -c $prog -f -n '__ganeti_shell_at job' -a wait -d 'Wait for a job to end, silently'
    complete -c $prog -f -n '__ganeti_shell_at job' -a cancel -d 'Cancel jobs'
    complete -c $prog -f -n '__ganeti_shell_at job' -a change-priority -d 'Change the priority of jobs'
    complete -c $prog -f -n '__ganeti_shell_at job' -a archive -d 'Archive finished jobs'
    complete -c $prog -f -n '__ganeti_shell_at job' -a autoarchive -d 'Archive finished jobs older than AGE (or all)'
    complete -c $prog -n '__ganeti_shell_at job list' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at job list' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at job list' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at job list' -s o -d 'comma-separated fields; +FIELD,... extends the defaults' -x -a '(__ganeti_shell_live field:job)'
    complete -c $prog -n '__ganeti_shell_at job list' -l output -d 'fields as with -o, or '"'"'json'"'"' to print the rows as JSON for scripts' -x -a '(__ganeti_shell_live field:job)'
    complete -c $prog -n '__ganeti_shell_at job list' -l no-headers -d 'omit the header row'
    complete -c $prog -n '__ganeti_shell_at job list' -s F -l filter -d 'treat the argument as a query filter ('"'"'name =~ /^web/ and status == "running"'"'"')'
    complete -c $prog -n '__ganeti_shell_at job list' -l separator -d 'separate columns with SEP, without padding' -x
    complete -c $prog -n '__ganeti_shell_at job list' -s v -l verbose -d 'spell out unavailable values'
    complete -c $prog -n '__ganeti_shell_at job list' -l pending -d 'only queued, waiting and canceling jobs'
    complete -c $prog -n '__ganeti_shell_at job list' -l running -d 'only running jobs'
    complete -c $prog -n '__ganeti_shell_at job list' -l error -d 'only failed jobs'
    complete -c $prog -n '__ganeti_shell_at job list' -l finished -d 'only finished jobs'
    complete -c $prog -n '__ganeti_shell_at job list' -l archived -d 'include archived jobs'
    complete -c $prog -n '__ganeti_shell_at job list' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at job list' -f -a '(__ganeti_shell_live job)'
    complete -c $prog -n '__ganeti_shell_at job list-fields' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at job list-fields' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at job list-fields' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at job list-fields' -l no-headers -d 'omit the header row'
    complete -c $prog -n '__ganeti_shell_at job list-fields' -l separator -d 'column separator' -x
    complete -c $prog -n '__ganeti_shell_at job list-fields' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at job list-fields' -f -a '(__ganeti_shell_live field:job)'
    complete -c $prog -n '__ganeti_shell_at job info show' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at job info show' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at job info show' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at job info show' -l output -d ''"'"'json'"'"' prints JSON for scripts' -x -a json
    complete -c $prog -n '__ganeti_shell_at job info show' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at job info show' -f -a '(__ganeti_shell_live job)'
    complete -c $prog -n '__ganeti_shell_at job watch' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at job watch' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at job watch' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at job watch' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at job watch' -f -a '(__ganeti_shell_live job)'
    complete -c $prog -n '__ganeti_shell_at job wait' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at job wait' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at job wait' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at job wait' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at job wait' -f -a '(__ganeti_shell_live job)'
    complete -c $prog -n '__ganeti_shell_at job cancel' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at job cancel' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at job cancel' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at job cancel' -s f -l force -d 'do not ask for confirmation'
    complete -c $prog -n '__ganeti_shell_at job cancel' -l pending -d 'all queued, waiting and canceling jobs'
    complete -c $prog -n '__ganeti_shell_at job cancel' -l queued -d 'all queued jobs'
    complete -c $prog -n '__ganeti_shell_at job cancel' -l waiting -d 'all waiting jobs'
    complete -c $prog -n '__ganeti_shell_at job cancel' -l kill -d 'kill running jobs'
    complete -c $prog -n '__ganeti_shell_at job cancel' -l yes-do-it -l ya-rly -d 'confirm --kill'
    complete -c $prog -n '__ganeti_shell_at job cancel' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at job cancel' -f -a '(__ganeti_shell_live job)'
    complete -c $prog -n '__ganeti_shell_at job change-priority' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at job change-priority' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at job change-priority' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at job change-priority' -s f -l force -d 'do not ask for confirmation'
    complete -c $prog -n '__ganeti_shell_at job change-priority' -l pending -d 'all queued, waiting and canceling jobs'
    complete -c $prog -n '__ganeti_shell_at job change-priority' -l queued -d 'all queued jobs'
    complete -c $prog -n '__ganeti_shell_at job change-priority' -l waiting -d 'all waiting jobs'
    complete -c $prog -n '__ganeti_shell_at job change-priority' -l priority -d 'new priority' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at job change-priority' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at job change-priority' -f -a '(__ganeti_shell_live job)'
    complete -c $prog -n '__ganeti_shell_at job archive' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at job archive' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at job archive' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at job archive' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at job archive' -f -a '(__ganeti_shell_live job)'
    complete -c $prog -n '__ganeti_shell_at job autoarchive' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at job autoarchive' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at job autoarchive' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at job autoarchive' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at job autoarchive' -f
end

# gnt-node: Node administration
for prog in gnt-node ganeti-shell
    complete -c $prog -f -n '__ganeti_shell_at node' -a add -d 'Add a node whose agent is waiting to join'
    complete -c $prog -f -n '__ganeti_shell_at node' -a list -d 'List nodes'
    complete -c $prog -f -n '__ganeti_shell_at node' -a list-fields -d 'List the fields of node list'
    complete -c $prog -f -n '__ganeti_shell_at node' -a info -d 'Show node details'
    complete -c $prog -f -n '__ganeti_shell_at node' -a show -d 'Show node details'
    complete -c $prog -f -n '__ganeti_shell_at node' -a remove -d 'Remove a node from the cluster'
    complete -c $prog -f -n '__ganeti_shell_at node' -a evacuate -d 'Move the primary or secondary instances off a node'
    complete -c $prog -n '__ganeti_shell_at node add' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at node add' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at node add' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at node add' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at node add' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at node add' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at node add' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at node add' -l address -d 'where the node'"'"'s agent listens' -x
    complete -c $prog -n '__ganeti_shell_at node add' -l join-token-file -d 'file with the agent'"'"'s one-time join token' -r -F
    complete -c $prog -n '__ganeti_shell_at node add' -s s -l secondary-ip -d 'secondary (replication) IP' -x
    complete -c $prog -n '__ganeti_shell_at node add' -s g -l node-group -d 'node group of the new node' -x -a '(__ganeti_shell_live group)'
    complete -c $prog -n '__ganeti_shell_at node add' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at node add' -f
    complete -c $prog -n '__ganeti_shell_at node list' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at node list' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at node list' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at node list' -s o -d 'comma-separated fields; +FIELD,... extends the defaults' -x -a '(__ganeti_shell_live field:node)'
    complete -c $prog -n '__ganeti_shell_at node list' -l output -d 'fields as with -o, or '"'"'json'"'"' to print the rows as JSON for scripts' -x -a '(__ganeti_shell_live field:node)'
    complete -c $prog -n '__ganeti_shell_at node list' -l no-headers -d 'omit the header row'
    complete -c $prog -n '__ganeti_shell_at node list' -s F -l filter -d 'treat the argument as a query filter ('"'"'name =~ /^web/ and status == "running"'"'"')'
    complete -c $prog -n '__ganeti_shell_at node list' -l separator -d 'separate columns with SEP, without padding' -x
    complete -c $prog -n '__ganeti_shell_at node list' -s v -l verbose -d 'spell out unavailable values'
    complete -c $prog -n '__ganeti_shell_at node list' -l units -d 'unit of size fields' -x -a 'h m g t'
    complete -c $prog -n '__ganeti_shell_at node list' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at node list' -f -a '(__ganeti_shell_live node)'
    complete -c $prog -n '__ganeti_shell_at node list-fields' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at node list-fields' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at node list-fields' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at node list-fields' -l no-headers -d 'omit the header row'
    complete -c $prog -n '__ganeti_shell_at node list-fields' -l separator -d 'column separator' -x
    complete -c $prog -n '__ganeti_shell_at node list-fields' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at node list-fields' -f -a '(__ganeti_shell_live field:node)'
    complete -c $prog -n '__ganeti_shell_at node info show' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at node info show' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at node info show' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at node info show' -l output -d ''"'"'json'"'"' prints JSON for scripts' -x -a json
    complete -c $prog -n '__ganeti_shell_at node info show' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at node info show' -f -a '(__ganeti_shell_live node)'
    complete -c $prog -n '__ganeti_shell_at node remove' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at node remove' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at node remove' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at node remove' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at node remove' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at node remove' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at node remove' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at node remove' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at node remove' -f -a '(__ganeti_shell_live node)'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -s d -l debug -d 'increase debugging level'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -l reason -d 'reason for the operation, recorded in the reason trail' -x
    complete -c $prog -n '__ganeti_shell_at node evacuate' -l master -d 'address of the master (unix:PATH or HOST:PORT)' -x
    complete -c $prog -n '__ganeti_shell_at node evacuate' -l submit -d 'submit the job and print its id, without waiting'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -l print-jobid -d 'print the job id on the first line of the output'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -l dry-run -d 'only check the operation, do not execute it'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -l priority -d 'priority of the job' -x -a 'low normal high'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -s f -l force -d 'do not ask for confirmation'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -l early-release -d 'release locks on the old secondary early'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -s I -l iallocator -d 'instance allocator' -x
    complete -c $prog -n '__ganeti_shell_at node evacuate' -s n -l new-secondary -d 'new secondary node (secondary instances only)' -x -a '(__ganeti_shell_live node)'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -s p -l primary-only -d 'evacuate primary instances only'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -s s -l secondary-only -d 'evacuate secondary instances only'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -l ignore-soft-errors -d 'let the allocator ignore soft policy errors'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -s h -l help -d 'show the command'"'"'s help and exit'
    complete -c $prog -n '__ganeti_shell_at node evacuate' -f -a '(__ganeti_shell_live node)'
end
