package dev.ferry.demo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.ftpserver.ftplet.DefaultFtpReply;
import org.apache.ftpserver.ftplet.DefaultFtplet;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.FtpReply;
import org.apache.ftpserver.ftplet.FtpRequest;
import org.apache.ftpserver.ftplet.FtpSession;
import org.apache.ftpserver.ftplet.FtpletResult;

/**
 * Server behaviour the tests switch on: directories where writes are refused the way vsftpd refuses them, no EPSV
 * (so clients must use PASV), no PROT P; and a record of every command a client sent and of how many uploads ran
 * at once.
 */
final class CommandRules extends DefaultFtplet {

    private static final Set<String> WRITES = Set.of("STOR", "APPE", "STOU", "MKD", "RNTO", "DELE");

    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final List<String> sent = Collections.synchronizedList(new ArrayList<>());
    private volatile List<String> readOnly = List.of();
    private volatile boolean refuseEpsv;
    private volatile boolean refuseProtP;
    private volatile boolean holdRenames;
    private volatile long renameDelayMillis;
    private final Set<String> breakData = ConcurrentHashMap.newKeySet();
    private final AtomicInteger renamesHeld = new AtomicInteger();
    private final AtomicInteger storing = new AtomicInteger();
    private final AtomicInteger mostStoring = new AtomicInteger();
    private final List<String> stored = Collections.synchronizedList(new ArrayList<>());

    void readOnly(List<String> directories) {
        this.readOnly = directories;
    }

    void refuseEpsv(boolean refuse) {
        this.refuseEpsv = refuse;
    }

    void refuseProtP(boolean refuse) {
        this.refuseProtP = refuse;
    }

    void holdRenames(boolean hold) {
        this.holdRenames = hold;
    }

    void delayRenames(long millis) {
        this.renameDelayMillis = millis;
    }

    /** The next STOR of {@code name} is accepted (150) and its data connection closed before its TLS handshake. */
    void breakDataConnection(String name) {
        breakData.add(name);
    }

    int renamesHeld() {
        return renamesHeld.get();
    }

    Set<String> seen() {
        return Set.copyOf(seen);
    }

    /** The most uploads (STOR) the server ran at the same time. */
    int mostConcurrentStores() {
        return mostStoring.get();
    }

    /** Every command the server received, in order (command words only). */
    List<String> commandLog() {
        synchronized (sent) {
            return List.copyOf(sent);
        }
    }

    /** The arguments of every STOR, in the order the server received them. */
    List<String> storeOrder() {
        synchronized (stored) {
            return List.copyOf(stored);
        }
    }

    @Override
    public FtpletResult afterCommand(FtpSession session, FtpRequest request, FtpReply reply) {
        if (request.getCommand().equalsIgnoreCase("STOR")) {
            storing.decrementAndGet();
        }
        return FtpletResult.DEFAULT;
    }

    @Override
    public FtpletResult beforeCommand(FtpSession session, FtpRequest request) throws FtpException {
        String command = request.getCommand().toUpperCase();
        seen.add(command);
        sent.add(command);
        if (command.equals("STOR") && request.hasArgument() && breakData.remove(request.getArgument())) {
            // the client connected before it sent STOR: closing the passive socket resets that connection
            session.write(new DefaultFtpReply(150, "Opening BINARY mode data connection."));
            session.getDataConnection().closeDataConnection();
            session.write(new DefaultFtpReply(426, "Data connection closed; transfer aborted."));
            return FtpletResult.SKIP;
        }
        if (command.equals("STOR")) {
            mostStoring.accumulateAndGet(storing.incrementAndGet(), Math::max);
            stored.add(request.getArgument());
        }
        if (holdRenames && command.equals("RNTO")) {
            holdWhileAsked();
        }
        long delay = renameDelayMillis;
        if (delay > 0 && command.equals("RNTO")) {
            // an S3-backed server copies the object before it answers
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (refuseEpsv && command.equals("EPSV")) {
            session.write(new DefaultFtpReply(502, "EPSV not implemented."));
            return FtpletResult.SKIP;
        }
        if (refuseProtP && command.equals("PROT")) {
            session.write(new DefaultFtpReply(536, "Requested PROT level not supported by mechanism."));
            return FtpletResult.SKIP;
        }
        if (WRITES.contains(command) && request.hasArgument() && isReadOnly(session, request.getArgument())) {
            session.write(new DefaultFtpReply(553, "Could not create file."));
            return FtpletResult.SKIP;
        }
        return FtpletResult.DEFAULT;
    }

    /** Keeps an RNTO waiting (at most 30 s) until renames are let through again. */
    private void holdWhileAsked() {
        renamesHeld.incrementAndGet();
        try {
            long end = System.nanoTime() + 30_000_000_000L;
            while (holdRenames && System.nanoTime() < end) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            renamesHeld.decrementAndGet();
        }
    }

    private boolean isReadOnly(FtpSession session, String argument) throws FtpException {
        String path = argument.startsWith("/")
                ? argument
                : session.getFileSystemView().getWorkingDirectory().getAbsolutePath().replaceAll("/$", "") + "/"
                        + argument;
        return readOnly.stream().anyMatch(directory -> path.startsWith(directory + "/"));
    }
}
