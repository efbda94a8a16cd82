package dev.leakdetector.capture;

import java.net.URI;

/**
 * Where a Node inspector listens: an address on loopback (or the local end of a platform tunnel,
 * such as a Docker exec relay or a Kubernetes port-forward).
 */
public record InspectorEndpoint(String host, int port) {

    public InspectorEndpoint {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
        }
    }

    /** Parses {@code host:port}; a bare port means 127.0.0.1. */
    public static InspectorEndpoint parse(String text) {
        String value = text.trim();
        int colon = value.lastIndexOf(':');
        try {
            if (colon < 0) {
                return new InspectorEndpoint("127.0.0.1", Integer.parseInt(value));
            }
            String host = value.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            return new InspectorEndpoint(host.isEmpty() ? "127.0.0.1" : host, Integer.parseInt(value.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not HOST:PORT");
        }
    }

    URI http(String path) {
        return URI.create("http://" + hostForUri() + ":" + port + path);
    }

    private String hostForUri() {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    @Override
    public String toString() {
        return hostForUri() + ":" + port;
    }
}
