package dev.leakdetector.orchestrator.dumps;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The commands inside the target that the {@code --heapsnapshot-signal} method needs, in two
 * forms: POSIX {@code sh} with {@code ls}, {@code tail}, {@code df} and {@code rm}, cheap enough to
 * poll every quarter second while a big snapshot is written, and {@code node -e} for images without
 * them (each such call costs the container about 40 MB for a moment, so it is polled less often).
 * Outputs are one {@code key value} line per fact. Paths and pids travel as arguments, never
 * spliced into a script.
 *
 * <p>Every Node script carries the marker {@value #MARKER}, so a process probe never mistakes one
 * of our own helper processes for the service.
 *
 * @param shell true when {@code /bin/sh} works in the container
 * @param node  the Node.js executable of the service (its {@code /proc/PID/exe}), or {@code node}
 * @param tools tools found on the container's PATH (of {@link #PROBED_TOOLS} and others)
 */
public record DumpCommands(boolean shell, String node, Set<String> tools) {
    public static final String MARKER = "/*leak-detector*/";
    /** What {@link #toolsProbe()} looks for. */
    public static final List<String> PROBED_TOOLS = List.of("rm", "ls", "tail", "df", "cat");
    private static final List<String> SHELL_TOOLS = List.of("rm", "ls", "tail", "df");

    public DumpCommands {
        tools = Set.copyOf(tools);
    }

    /** True when the cheap shell form works in this image. */
    public boolean shellForm() {
        return shell && tools.containsAll(SHELL_TOOLS);
    }

    /** Lists which of {@link #PROBED_TOOLS} the image has, one {@code T tool} line each (needs sh). */
    public static List<String> toolsProbe() {
        return withArguments(List.of("/bin/sh", "-c", "for t in \"$@\"; do command -v \"$t\" >/dev/null 2>&1 &&"
                + " echo \"T $t\"; done; exit 0", "sh"), PROBED_TOOLS);
    }

    /** Parses the {@code T tool} lines of a probe. */
    public static Set<String> toolsFrom(List<String> lines) {
        Set<String> tools = new LinkedHashSet<>();
        for (String line : lines) {
            if (line.startsWith("T ")) {
                tools.add(line.substring(2).trim());
            }
        }
        return tools;
    }

    /**
     * Facts about the Node process: {@code cwd}, its {@code Uid:}, {@code Gid:}, {@code Groups:}
     * and {@code VmRSS:} status lines, the cgroup's memory {@code limit} and {@code usage} (v2, else
     * v1); {@code gone} when it no longer exists.
     */
    public List<String> processInfo(long pid) {
        if (shell) {
            return List.of("/bin/sh", "-c", """
                    p=$1
                    [ -d "/proc/$p" ] || { echo gone; exit 0; }
                    echo "cwd $(cd "/proc/$p/cwd" 2>/dev/null && pwd -P)"
                    while IFS= read -r l; do case "$l" in Uid:*|Gid:*|Groups:*|VmRSS:*) echo "$l";; esac; done < "/proc/$p/status"
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
                for(const l of fs.readFileSync('/proc/'+p+'/status','latin1').split('\\n'))if(/^(Uid|Gid|Groups|VmRSS):/.test(l))o+=l+'\\n';
                for(const [k,fl] of [['limit',['/sys/fs/cgroup/memory.max','/sys/fs/cgroup/memory/memory.limit_in_bytes']],
                  ['usage',['/sys/fs/cgroup/memory.current','/sys/fs/cgroup/memory/memory.usage_in_bytes']]])
                  for(const f of fl){try{o+=k+' '+fs.readFileSync(f,'latin1').trim()+'\\n';break}catch(e){}}
                process.stdout.write(o);
                """, Long.toString(pid));
    }

    /**
     * Whether a file can be created in the directory ({@code writable}, else {@code unwritable
     * REASON}; the probe file is removed at once), its free space ({@code freekb}), its mode and
     * owner ({@code dir drwxr-xr-x UID GID}), and the uid the probe ran as ({@code execUid:} as in
     * /proc/PID/status). See {@link DirectoryProbe}.
     */
    public List<String> directory(String directory, String probeName) {
        if (shellForm()) {
            return List.of("/bin/sh", "-c", """
                    d=$1; f="$1/$2"
                    if err=$( { : > "$f"; } 2>&1 ); then rm -f "$f"; echo writable; else echo "unwritable ${err##*: }"; fi
                    while IFS= read -r l; do case "$l" in Uid:*) echo "exec$l";; esac; done < /proc/self/status
                    set -- $(ls -ldn "$d" 2>/dev/null)
                    [ -n "$4" ] && echo "dir $1 $3 $4"
                    set -- $(df -Pk "$d" 2>/dev/null | tail -n 1)
                    [ -n "$4" ] && echo "freekb $4"
                    exit 0
                    """, "sh", directory, probeName);
        }
        return node("""
                const [d,n]=process.argv.slice(1);const f=d.replace(/\\/$/,'')+'/'+n;
                try{fs.writeFileSync(f,'',{flag:'wx',mode:0o600});fs.unlinkSync(f);console.log('writable')}
                catch(e){console.log('unwritable '+(e.code||e.message))}
                for(const l of fs.readFileSync('/proc/self/status','latin1').split('\\n'))if(l.startsWith('Uid:'))console.log('exec'+l);
                try{const s=fs.statSync(d);let m='d';for(let i=8;i>=0;i--)m+=(s.mode>>i)&1?'rwx'[(8-i)%3]:'-';
                  console.log('dir '+m+' '+s.uid+' '+s.gid)}catch(e){}
                try{const s=fs.statfsSync(d);console.log('freekb '+Math.floor(s.bavail*s.bsize/1024))}catch(e){}
                """, directory, probeName);
    }

    /**
     * The {@code Heap.*.heapsnapshot} files in the directory, one {@code F name} line each, and
     * {@code gone} when the process no longer exists.
     */
    public List<String> list(String directory, long pid) {
        if (shell) {
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
    public List<String> state(String file, long pid) {
        if (shellForm()) {
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
    public List<String> signal(long pid, String signal) {
        String name = signal.startsWith("SIG") ? signal.substring(3) : signal;
        if (shell) {
            return List.of("/bin/sh", "-c", "kill -s \"$1\" \"$2\"", "sh", name, Long.toString(pid));
        }
        return node("process.kill(+process.argv[2],'SIG'+process.argv[1])", name, Long.toString(pid));
    }

    /**
     * Writes the file's bytes to standard output, for a copy through an exec stream: {@code cat}
     * (run directly, no shell needed), else Node streaming it in chunks.
     */
    public List<String> read(String file) {
        if (tools.contains("cat")) {
            return List.of("cat", file);
        }
        return node("const s=fs.createReadStream(process.argv[1]);s.on('error',e=>{console.error(e.message);"
                + "process.exit(1)});s.pipe(process.stdout)", file);
    }

    /** Deletes the named files from the directory; a file already gone is no error. */
    public List<String> remove(String directory, List<String> names) {
        List<String> command = new ArrayList<>();
        if (shellForm()) {
            command.addAll(List.of("/bin/sh", "-c", "d=$1; shift; for n; do rm -f \"$d/$n\" || exit 1; done", "sh"));
        } else {
            command.addAll(List.of(node, "-e", MARKER + "const fs=require('fs');"
                    + "const [d,...n]=process.argv.slice(1);for(const f of n){try{fs.unlinkSync(d.replace(/\\/$/,'')+'/'+f)}"
                    + "catch(e){if(e.code!=='ENOENT'){console.error(e.message);process.exit(1)}}}"));
        }
        command.add(directory);
        command.addAll(names);
        return command;
    }

    /** For undo records, which must work from another process that never probed the container. */
    public Map<String, String> toParams() {
        Map<String, String> params = new HashMap<>();
        params.put("shell", Boolean.toString(shell));
        params.put("node", node);
        params.put("tools", String.join(",", tools));
        return params;
    }

    public static DumpCommands fromParams(Map<String, String> params) {
        Set<String> tools = new LinkedHashSet<>();
        for (String tool : params.getOrDefault("tools", "").split(",")) {
            if (!tool.isBlank()) {
                tools.add(tool);
            }
        }
        return new DumpCommands(Boolean.parseBoolean(params.getOrDefault("shell", "true")),
                params.getOrDefault("node", "node"), tools);
    }

    private List<String> node(String script, String... arguments) {
        return withArguments(List.of(node, "-e", MARKER + "const fs=require('fs');" + script), List.of(arguments));
    }

    private static List<String> withArguments(List<String> command, List<String> arguments) {
        List<String> all = new ArrayList<>(command);
        all.addAll(arguments);
        return all;
    }
}
