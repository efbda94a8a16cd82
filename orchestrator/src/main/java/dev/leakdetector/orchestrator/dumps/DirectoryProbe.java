package dev.leakdetector.orchestrator.dumps;

/**
 * What {@link DumpCommands#directory} found about the directory Node writes its snapshots into.
 *
 * @param created     the probe could create (and removed) a file there
 * @param reason      why it could not ("Read-only file system", "EACCES"), "" when it could
 * @param freeBytes   free bytes for an unprivileged user, -1 when unknown
 * @param probeUid    the file-system uid the probe ran as, -1 when unknown
 * @param permissions the directory's mode as {@code ls -l} shows it ({@code drwxr-xr-x}), "" when unknown
 * @param ownerUid    the directory's owner, -1 when unknown
 * @param ownerGid    the directory's group, -1 when unknown
 */
record DirectoryProbe(boolean created, String reason, long freeBytes, long probeUid, String permissions, long ownerUid,
                      long ownerGid) {

    static DirectoryProbe parse(String output) {
        boolean created = false;
        String reason = "no answer";
        long free = -1;
        long probeUid = -1;
        String permissions = "";
        long ownerUid = -1;
        long ownerGid = -1;
        for (String line : output.split("\n")) {
            String l = line.strip();
            if (l.equals("writable")) {
                created = true;
                reason = "";
            } else if (l.startsWith("unwritable")) {
                reason = l.substring(10).strip();
            } else if (l.startsWith("freekb ")) {
                long kib = number(l.substring(7).strip());
                free = kib < 0 ? -1 : kib * 1024;
            } else if (l.startsWith("execUid:")) {
                probeUid = ProcessInfo.fileSystemId(l);
            } else if (l.startsWith("dir ")) {
                String[] f = l.substring(4).strip().split("\\s+");
                if (f.length == 3 && f[0].length() >= 10) {
                    permissions = f[0].substring(0, 10);
                    ownerUid = number(f[1]);
                    ownerGid = number(f[2]);
                }
            }
        }
        return new DirectoryProbe(created, reason, free, probeUid, permissions, ownerUid, ownerGid);
    }

    /**
     * Null when Node may create its snapshot file there, else why not. When the probe ran as
     * Node's own uid (Docker runs it so), its own file is the answer. When it ran as root (a
     * Kubernetes exec runs as the container's user, while Node may have dropped to another uid),
     * its file only shows that the file system takes writes, and the directory's mode and owner
     * decide for Node; ACLs are not read, so they can only make this answer more cautious.
     */
    String refusal(ProcessInfo node) {
        if (!created) {
            return reason;
        }
        if (node.uid() < 0 || probeUid < 0 || probeUid == node.uid() || node.uid() == 0) {
            return null;
        }
        if (permissions.isEmpty()) {
            return "its owner and mode cannot be read, so whether uid " + node.uid() + " may write there is unknown";
        }
        int column = node.uid() == ownerUid ? 1 : node.inGroup(ownerGid) ? 4 : 7;
        // Creating a file takes write and search permission on the directory.
        boolean write = permissions.charAt(column + 1) == 'w';
        boolean search = "xst".indexOf(permissions.charAt(column + 2)) >= 0;
        return write && search ? null : "mode " + permissions + ", owner " + ownerUid + ":" + ownerGid
                + ", does not let uid " + node.uid() + " create files";
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
