package dev.leakdetector.orchestrator.docker;

import java.util.ArrayList;
import java.util.List;

/**
 * The commands inside the target that the {@code --heapsnapshot-signal} method needs, like
 * {@link ContainerTools} in two forms: POSIX {@code sh} with {@code ls}, {@code tail}, {@code df}
 * and {@code rm}, cheap enough to poll every quarter second while a big snapshot is written, and
 * {@code node -e} for images without them (each such call costs the container about 40 MB for a
 * moment, so it is polled less often). Outputs are one {@code key value} line per fact.
 */
record DumpCommands(ContainerTools tools) {
    private static final List<String> SHELL_TOOLS = List.of("rm", "ls", "tail", "df");

    /** True when the cheap shell form works in this image. */
    boolean shell() {
        return tools.shell() && tools.tools().containsAll(SHELL_TOOLS);
    }

    /**
     * Facts about the Node process: {@code cwd}, its {@code Uid:}, {@code Gid:} and {@code VmRSS:}
     * status lines, the cgroup's memory {@code limit} and {@code usage} (v2, else v1); {@code gone}
     * when it no longer exists.
     */
    List<String> processInfo(long pid) {
        if (tools.shell()) {
            return List.of("/bin/sh", "-c", """
                    p=$1
                    [ -d "/proc/$p" ] || { echo gone; exit 0; }
                    echo "cwd $(cd "/proc/$p/cwd" 2>/dev/null && pwd -P)"
                    while IFS= read -r l; do case "$l" in Uid:*|Gid:*|VmRSS:*) echo "$l";; esac; done < "/proc/$p/status"
                    for f in /sys/fs/cgroup/memory.max /sys/fs/cgroup/memory/memory.limit_in_bytes; do
                      [ -r "$f" ] && { read -r v < "$f"; echo "limit $v"; break; }
                    done
                    for f in /sys/fs/cgroup/memory.current /sys/fs/cgroup/memory/memory.usage_in_bytes; do
                      [ -r "$f" ] && { read -r v < "$f"; echo "usage $v"; break; }
                    done
                    exit 0
                    """, "sh", Long.toString(pid));
        }
        return node("""
                const p=process.argv[1];let o='';
                if(!fs.existsSync('/proc/'+p)){console.log('gone');process.exit(0)}
                try{o+='cwd '+fs.readlinkSync('/proc/'+p+'/cwd')+'\\n'}catch(e){o+='cwd \\n'}
                for(const l of fs.readFileSync('/proc/'+p+'/status','latin1').split('\\n'))if(/^(Uid|Gid|VmRSS):/.test(l))o+=l+'\\n';
                for(const [k,fl] of [['limit',['/sys/fs/cgroup/memory.max','/sys/fs/cgroup/memory/memory.limit_in_bytes']],
                  ['usage',['/sys/fs/cgroup/memory.current','/sys/fs/cgroup/memory/memory.usage_in_bytes']]])
                  for(const f of fl){try{o+=k+' '+fs.readFileSync(f,'latin1').trim()+'\\n';break}catch(e){}}
                process.stdout.write(o);
                """, Long.toString(pid));
    }

    /**
     * Whether a file can be created in the directory ({@code writable}, else {@code unwritable
     * REASON}; the probe file is removed at once), and its free space ({@code freekb}). Run as
     * the Node process's user, so the answer is Node's.
     */
    List<String> directory(String directory, String probeName) {
        if (shell()) {
            return List.of("/bin/sh", "-c", """
                    d=$1; f="$1/$2"
                    if err=$( { : > "$f"; } 2>&1 ); then rm -f "$f"; echo writable; else echo "unwritable ${err##*: }"; fi
                    set -- $(df -Pk "$d" 2>/dev/null | tail -n 1)
                    [ -n "$4" ] && echo "freekb $4"
                    exit 0
                    """, "sh", directory, probeName);
        }
        return node("""
                const [d,n]=process.argv.slice(1);const f=d.replace(/\\/$/,'')+'/'+n;
                try{fs.writeFileSync(f,'',{flag:'wx',mode:0o600});fs.unlinkSync(f);console.log('writable')}
                catch(e){console.log('unwritable '+(e.code||e.message))}
                try{const s=fs.statfsSync(d);console.log('freekb '+Math.floor(s.bavail*s.bsize/1024))}catch(e){}
                """, directory, probeName);
    }

    /**
     * The {@code Heap.*.heapsnapshot} files in the directory, one {@code F name} line each, and
     * {@code gone} when the process no longer exists.
     */
    List<String> list(String directory, long pid) {
        if (tools.shell()) {
            return List.of("/bin/sh", "-c", "[ -d \"/proc/$2\" ] || echo gone; for f in \"$1\"/Heap.*.heapsnapshot; do"
                    + " [ -f \"$f\" ] && echo \"F ${f##*/}\"; done; exit 0", "sh", directory, Long.toString(pid));
        }
        return node("if(!fs.existsSync('/proc/'+process.argv[2]))console.log('gone');let n=[];"
                + "try{n=fs.readdirSync(process.argv[1])}catch(e){}"
                + "for(const f of n)if(/^Heap\\..*\\.heapsnapshot$/.test(f))console.log('F '+f)", directory,
                Long.toString(pid));
    }

    /**
     * How far the file is: {@code gone} when the process no longer exists, {@code absent},
     * {@code size N}, its last two characters ({@code end ]}} when the JSON is closed), and whether
     * the process still holds it open ({@code open yes|no|unknown}).
     */
    List<String> state(String file, long pid) {
        if (shell()) {
            return List.of("/bin/sh", "-c", """
                    f=$1; p=$2
                    [ -d "/proc/$p" ] || echo gone
                    [ -f "$f" ] || { echo absent; exit 0; }
                    set -- $(ls -ln "$f"); echo "size $5"
                    printf 'end '; tail -c 2 "$f"; echo
                    if ls "/proc/$p/fd" >/dev/null 2>&1; then
                      o=no; for d in /proc/$p/fd/*; do [ "$d" -ef "$f" ] && o=yes; done; echo "open $o"
                    else echo "open unknown"; fi
                    exit 0
                    """, "sh", file, Long.toString(pid));
        }
        return node("""
                const [f,p]=process.argv.slice(1);
                if(!fs.existsSync('/proc/'+p))console.log('gone');
                let st;try{st=fs.statSync(f)}catch(e){console.log('absent');process.exit(0)}
                console.log('size '+st.size);const b=Buffer.alloc(2);let n=0;
                if(st.size>=2){const fd=fs.openSync(f,'r');n=fs.readSync(fd,b,0,2,st.size-2);fs.closeSync(fd)}
                console.log('end '+b.toString('latin1',0,n));let o='no';
                try{for(const d of fs.readdirSync('/proc/'+p+'/fd')){try{const s=fs.statSync('/proc/'+p+'/fd/'+d);
                  if(s.ino===st.ino&&s.dev===st.dev)o='yes'}catch(e){}}}catch(e){o='unknown'}
                console.log('open '+o);
                """, file, Long.toString(pid));
    }

    /** Sends the signal (a name such as SIGUSR2) to the pid. */
    List<String> signal(long pid, String signal) {
        String name = signal.startsWith("SIG") ? signal.substring(3) : signal;
        if (tools.shell()) {
            return List.of("/bin/sh", "-c", "kill -s \"$1\" \"$2\"", "sh", name, Long.toString(pid));
        }
        return node("process.kill(+process.argv[2],'SIG'+process.argv[1])", name, Long.toString(pid));
    }

    /** Deletes the named files from the directory; a file already gone is no error. */
    List<String> remove(String directory, List<String> names) {
        List<String> command = new ArrayList<>();
        if (shell()) {
            command.addAll(List.of("/bin/sh", "-c", "d=$1; shift; for n; do rm -f \"$d/$n\" || exit 1; done", "sh"));
        } else {
            command.addAll(List.of(tools.node(), "-e", ContainerTools.MARKER + "const fs=require('fs');"
                    + "const [d,...n]=process.argv.slice(1);for(const f of n){try{fs.unlinkSync(d.replace(/\\/$/,'')+'/'+f)}"
                    + "catch(e){if(e.code!=='ENOENT'){console.error(e.message);process.exit(1)}}}"));
        }
        command.add(directory);
        command.addAll(names);
        return command;
    }

    private List<String> node(String script, String... arguments) {
        List<String> command = new ArrayList<>(List.of(tools.node(), "-e", ContainerTools.MARKER
                + "const fs=require('fs');" + script));
        command.addAll(List.of(arguments));
        return command;
    }
}
