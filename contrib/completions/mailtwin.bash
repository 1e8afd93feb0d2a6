# bash completion for mailtwin(1): commands, options, and account names read from the config file.
# Installed to share/bash-completion/completions/mailtwin (loaded on demand by bash-completion).

# Account names: the [accounts.NAME] (or [accounts."NAME"]) tables of the config in use.
_mailtwin_accounts() {
    local config=$1
    if [[ -z $config ]]; then
        config=${XDG_CONFIG_HOME:-$HOME/.config}/mailtwin/config.toml
    fi
    config=${config/#\~/$HOME}
    [[ -r $config ]] || return
    sed -nE -e 's/^[[:space:]]*\[accounts\.([A-Za-z0-9_@-]+)\][[:space:]]*(#.*)?$/\1/p' \
            -e 's/^[[:space:]]*\[accounts\."([^"]+)"\][[:space:]]*(#.*)?$/\1/p' "$config"
}

# Remote folder names the state remembers, for --folder: `mailtwin status --offline --json` (it reads
# the state only: no server, no lock). $1 is the mailtwin being completed, $2 the config, the rest the
# accounts named so far (none: every account).
_mailtwin_folders() {
    local program=$1 config=$2
    shift 2
    local -a with_config=()
    [[ -n $config ]] && with_config=(--config "$config")
    "$program" "${with_config[@]}" status --offline --json "$@" 2>/dev/null |
        sed -nE 's/^\{"event":"folder",.*"folder":"(([^"\\]|\\.)*)".*$/\1/p'
}

_mailtwin() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        # "--config=FILE" stays one word (bash-completion would split it at "=").
        _init_completion -n = || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
    fi

    local commands="sync watch status folders check-config forget help"
    local global_opts="--config -c --verbose -v --quiet -q --log-format --progress --ext-exit --help -h --version"

    case $prev in
        --config|-c)
            COMPREPLY=($(compgen -f -- "$cur"))
            compopt -o filenames 2>/dev/null
            return ;;
        --log-format)
            COMPREPLY=($(compgen -W "text json" -- "$cur"))
            return ;;
        --progress)
            COMPREPLY=($(compgen -W "auto always never" -- "$cur"))
            return ;;
        --folder|--idle-folder)
            ;;  # remote names from the state, once the command line is read below
        --interval|--debounce)
            return ;;  # a number
    esac

    if [[ $cur == --config=* ]]; then
        COMPREPLY=($(compgen -f -P --config= -- "${cur#--config=}"))
        compopt -o filenames 2>/dev/null
        return
    fi

    # Find the command, the config file and the accounts named so far.
    local i command="" config="" accounts_given=0
    local -a accounts=()
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
            --config|-c) config=${words[i+1]}; ((i++)) ;;
            --config=*) config=${words[i]#--config=} ;;
            --log-format|--progress|--folder|--interval|--idle-folder|--debounce) ((i++)) ;;
            -*) ;;
            *)
                if [[ -z $command ]]; then command=${words[i]}; else accounts+=("${words[i]}"); ((accounts_given++)); fi ;;
        esac
    done

    if [[ -z $command ]]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        fi
        return
    fi

    if [[ $prev == --folder || $prev == --idle-folder ]]; then
        local IFS=$'\n'
        COMPREPLY=($(compgen -W "$(_mailtwin_folders "${words[0]}" "$config" "${accounts[@]}")" -- "$cur"))
        return
    fi

    local opts=""
    case $command in
        sync) opts="--folder --dry-run --full --force --ext-exit" ;;
        forget) opts="--folder" ;;
        status) opts="--json --offline" ;;
        watch) opts="--interval --idle-folder --debounce --no-notify" ;;
        folders|check-config|help) opts="" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    case $command in
        check-config) return ;;
        help)
            ((accounts_given > 0)) || COMPREPLY=($(compgen -W "$commands" -- "$cur"))
            return ;;
        folders|forget) ((accounts_given > 0)) && return ;;
    esac
    # Accounts not named yet.
    local name given
    local -a left=()
    while read -r name; do
        [[ -n $name ]] || continue
        for given in "${accounts[@]}"; do [[ $given == "$name" ]] && continue 2; done
        left+=("$name")
    done < <(_mailtwin_accounts "$config")
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "${left[*]}" -- "$cur"))
}

complete -F _mailtwin mailtwin
