package dev.leakdetector.orchestrator.docker;

import dev.leakdetector.orchestrator.dumps.DumpCommands;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The commands the run executes inside a container, each in two forms: POSIX {@code sh} with
 * builtins and the commonest tools (cheap: a container near its memory limit can afford them), and
 * {@code node -e} for images without a shell (distroless), where Node itself is the only tool
 * there is. Which form is used depends on what the process probe found in the image.
 *
 * <p>Every Node script carries the marker {@value #MARKER}, so the probe never mistakes one of our
 * own helper processes for the service.
 *
 * @param shell true when {@code /bin/sh} works in the container
 * @param node  the Node.js executable of the service (its {@code /proc/PID/exe}), or {@code node}
 * @param tools optional tools found on the container's PATH: nc, kill, wget, rm, cat, ls, tail, df
 */
record ContainerTools(boolean shell, String node, Set<String> tools) {
    static final String MARKER = DumpCommands.MARKER;

    ContainerTools {
        tools = Set.copyOf(tools);
    }

    /** Lists processes and tools with the shell (P pid, X exe, S status lines, C cmdline, T tool). */
    static List<String> shellProbe() {
        return List.of("/bin/sh", "-c", """
                for d in /proc/[0-9]*; do
                  p=${d#/proc/}
                  [ "$p" = "$$" ] && continue
                  [ -r "$d/status" ] || continue
                  echo "P $p"
                  echo "X $(readlink "$d/exe" 2>/dev/null)"
                  while IFS= read -r l; do
                    case "$l" in Name:*|PPid:*|SigCgt:*|SigIgn:*) echo "S $l";; esac
                  done 2>/dev/null < "$d/status"
                  printf 'C '; cat "$d/cmdline" 2>/dev/null; echo
                done
                for t in nc kill wget rm cat ls tail df; do command -v "$t" >/dev/null 2>&1 && echo "T $t"; done
                exit 0
                """);
    }

    /** The same listing with Node, for images without a shell. */
    static List<String> nodeProbe(String node) {
        return List.of(node, "-e", MARKER + """
                const fs=require('fs'),path=require('path');let o='';
                for(const p of fs.readdirSync('/proc')){
                  if(!/^\\d+$/.test(p)||+p===process.pid)continue;
                  let st;try{st=fs.readFileSync('/proc/'+p+'/status','latin1')}catch(e){continue}
                  let exe='';try{exe=fs.readlinkSync('/proc/'+p+'/exe')}catch(e){}
                  let cmd='';try{cmd=fs.readFileSync('/proc/'+p+'/cmdline','latin1')}catch(e){}
                  o+='P '+p+'\\nX '+exe+'\\n';
                  for(const l of st.split('\\n'))if(/^(Name|PPid|SigCgt|SigIgn):/.test(l))o+='S '+l+'\\n';
                  o+='C '+cmd+'\\n';
                }
                for(const t of ['nc','kill','wget','rm','cat','ls','tail','df'])
                  for(const d of (process.env.PATH||'').split(':')){
                    try{fs.accessSync(path.join(d,t),fs.constants.X_OK);o+='T '+t+'\\n';break}catch(e){}
                  }
                process.stdout.write(o);
                """);
    }

    /** Sends SIGUSR1 to the pid (the shell's builtin kill, or Node's process.kill). */
    List<String> signalUsr1(long pid) {
        if (shell) {
            return List.of("/bin/sh", "-c", "kill -USR1 \"$1\"", "sh", Long.toString(pid));
        }
        return List.of(node, "-e", MARKER + "process.kill(+process.argv[1],'SIGUSR1')", Long.toString(pid));
    }

    /**
     * Creates the file with the marker unless it exists; prints {@code created} or {@code exists}.
     * An existing file is left alone: it belongs to someone else (an operator, another run).
     */
    List<String> createMarkedFile(String file, String marker) {
        if (shell) {
            return List.of("/bin/sh", "-c", "if [ -e \"$1\" ]; then echo exists; else printf '%s\\n' \"$2\" > \"$1\""
                    + " && echo created; fi", "sh", file, marker);
        }
        return List.of(node, "-e", MARKER + "const fs=require('fs');const [f,m]=process.argv.slice(1);"
                + "try{fs.writeFileSync(f,m+'\\n',{flag:'wx'});console.log('created')}"
                + "catch(e){if(e.code==='EEXIST')console.log('exists');else{console.error(e.message);process.exit(1)}}",
                file, marker);
    }

    /**
     * Looks at the file: prints {@code absent}, {@code ours} (its first line is the marker) or
     * {@code foreign}; with {@code remove}, deletes it when it is ours and prints {@code removed}.
     */
    List<String> markedFile(String file, String marker, boolean remove) {
        String mode = remove ? "remove" : "check";
        if (shell && tools.contains("rm")) {
            return List.of("/bin/sh", "-c", "[ -e \"$1\" ] || { echo absent; exit 0; }; IFS= read -r c < \"$1\";"
                    + " if [ \"$c\" != \"$2\" ]; then echo foreign; elif [ \"$3\" = remove ]; then rm -f \"$1\" &&"
                    + " echo removed; else echo ours; fi", "sh", file, marker, mode);
        }
        return List.of(node, "-e", MARKER + "const fs=require('fs');const [f,m,mode]=process.argv.slice(1);let c;"
                + "try{c=fs.readFileSync(f,'utf8').split('\\n')[0]}catch(e){if(e.code==='ENOENT'){console.log('absent');"
                + "process.exit(0)}console.error(e.message);process.exit(1)}"
                + "if(c!==m)console.log('foreign');else if(mode==='remove'){fs.unlinkSync(f);console.log('removed')}"
                + "else console.log('ours')", file, marker, mode);
    }

    /**
     * Calls the agent's control channel on 127.0.0.1 inside the container: GET without a body,
     * POST with one. Port and token come from the container's own environment
     * ({@code LEAK_DETECTOR_AGENT_PORT}, {@code LEAK_DETECTOR_AGENT_TOKEN}), which exec inherits,
     * so the token never appears on a command line. Prints the answer's body; fails on non-2xx.
     * wget gets no {@code -T}: busybox 1.35's wget crashes with it; the exec's own timeout bounds the call.
     */
    List<String> agentCall(String path, String body, int timeoutSeconds) {
        if (tools.contains("wget") && shell) {
            return List.of("/bin/sh", "-c", """
                    path=$1; body=$2
                    if [ -n "$LEAK_DETECTOR_AGENT_TOKEN" ]; then set -- --header "Authorization: Bearer $LEAK_DETECTOR_AGENT_TOKEN"; else set --; fi
                    if [ -n "$body" ]; then set -- "$@" --header "Content-Type: application/json" --post-data "$body"; fi
                    exec wget -q -O - "$@" "http://127.0.0.1:${LEAK_DETECTOR_AGENT_PORT:-9339}$path"
                    """, "sh", path, body == null ? "" : body);
        }
        return List.of(node, "-e", MARKER + """
                const http=require('http');const [p,b,t]=process.argv.slice(1);const h={};
                if(process.env.LEAK_DETECTOR_AGENT_TOKEN)h.authorization='Bearer '+process.env.LEAK_DETECTOR_AGENT_TOKEN;
                if(b)h['content-type']='application/json';
                const r=http.request({host:'127.0.0.1',port:+(process.env.LEAK_DETECTOR_AGENT_PORT||9339),path:p,
                  method:b?'POST':'GET',headers:h,timeout:t*1000},res=>{let d='';res.on('data',c=>d+=c);
                  res.on('end',()=>{if((res.statusCode/100|0)===2)process.stdout.write(d);
                  else{console.error('HTTP '+res.statusCode+' '+d);process.exit(22)}})});
                r.on('timeout',()=>{console.error('timed out');process.exit(28)});
                r.on('error',e=>{console.error(e.message);process.exit(7)});r.end(b||undefined);
                """, path, body == null ? "" : body, Integer.toString(timeoutSeconds));
    }

    /** The kernel's TCP socket tables of the container's network namespace (to see who listens). */
    List<String> tcpTables() {
        if (shell) {
            return List.of("/bin/sh", "-c", "for f in /proc/net/tcp /proc/net/tcp6; do [ -r $f ] &&"
                    + " while IFS= read -r l; do echo \"$l\"; done < $f; done; exit 0");
        }
        return List.of(node, "-e", MARKER + "const fs=require('fs');for(const f of ['/proc/net/tcp','/proc/net/tcp6'])"
                + "try{process.stdout.write(fs.readFileSync(f,'latin1'))}catch(e){}");
    }

    /**
     * A byte pipe between the exec's stdin/stdout and 127.0.0.1:port inside the container: busybox
     * or netcat {@code nc} when the image has it, else a few lines of Node. It ends when its
     * stdin closes (our side of the connection went away) or the port closes.
     */
    List<String> relay(int port) {
        if (tools.contains("nc")) {
            return List.of("nc", "127.0.0.1", Integer.toString(port));
        }
        return List.of(node, "-e", MARKER + "const s=require('net').connect(+process.argv[1],'127.0.0.1');"
                + "process.stdin.pipe(s);s.pipe(process.stdout);process.stdin.on('end',()=>s.end());"
                + "s.on('error',e=>{console.error(e.message);process.exit(1)});s.on('close',()=>process.exit(0))",
                Integer.toString(port));
    }

    /** The commands of the --heapsnapshot-signal method, in the forms this image supports. */
    DumpCommands dumpCommands() {
        return new DumpCommands(shell, node, tools);
    }

    /** For undo records, which must work from another process that never probed the container. */
    Map<String, String> toParams() {
        return dumpCommands().toParams();
    }

    static ContainerTools fromParams(Map<String, String> params) {
        DumpCommands commands = DumpCommands.fromParams(params);
        return new ContainerTools(commands.shell(), commands.node(), commands.tools());
    }

    /** Parses the {@code T tool} lines of a probe. */
    static Set<String> toolsFrom(List<String> lines) {
        return DumpCommands.toolsFrom(lines);
    }

    static List<String> lines(String text) {
        return new ArrayList<>(List.of(text.split("\n")));
    }
}
