package dev.ferry.route;

import java.io.File;
import java.util.Comparator;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.apache.camel.component.file.GenericFile;

/**
 * The order in which a poll hands files over (Camel's {@code sorter}): oldest first, by modification time (on one
 * host alone, of the files the poll read before its limit; in cluster mode, of the whole directory). In cluster
 * mode oldest second first, and within one second in an order of this process's own: hosts polling one directory into
 * which a batch was dropped then start on different files instead of racing for the same ones, while a file left by a
 * host that died comes first: its claim's lease has ended ({@code Cluster#orphaned}), or this host left it while
 * another held it and it is listed again now that the claim could have ended ({@link Pickup#overdue()}).
 */
final class PollOrder implements Comparator<GenericFile<File>> {

    private final long salt;
    private final Supplier<Predicate<GenericFile<File>>> overdueNow;
    /**
     * Which files are overdue, as taken at the poll's first comparison, after its listing: a sort must see one answer
     * per file throughout, or it may fail its comparator's contract. {@code null} until then.
     */
    private volatile Predicate<GenericFile<File>> overdue;

    private PollOrder(long salt, Supplier<Predicate<GenericFile<File>>> overdueNow) {
        this.salt = salt;
        this.overdueNow = overdueNow;
    }

    /** Called as each poll begins, on its thread, before the directory is read and sorted. */
    void beforePoll() {
        overdue = null;
    }

    /** One host alone: by modification time, then by path. */
    static PollOrder oldestFirst() {
        return new PollOrder(0, () -> file -> false);
    }

    /**
     * Cluster mode: overdue files first ({@code overdueNow} says which, asked as each poll begins), then by the second
     * of the modification time, then in an order drawn from {@code owner}.
     */
    static PollOrder spreadAmong(String owner, Supplier<Predicate<GenericFile<File>>> overdueNow) {
        return new PollOrder(owner.hashCode() | 1L << 32, overdueNow);
    }

    @Override
    public int compare(GenericFile<File> a, GenericFile<File> b) {
        if (salt == 0) {
            int byTime = Long.compare(a.getLastModified(), b.getLastModified());
            return byTime != 0 ? byTime : a.getRelativeFilePath().compareTo(b.getRelativeFilePath());
        }
        Predicate<GenericFile<File>> now = overdue;
        if (now == null) {
            // the poll's thread, which alone sorts: the files its listing found overdue are in
            now = overdueNow.get();
            overdue = now;
        }
        boolean aOverdue = now.test(a);
        if (aOverdue != now.test(b)) {
            return aOverdue ? -1 : 1;
        }
        int bySecond = Long.compare(Math.floorDiv(a.getLastModified(), 1000), Math.floorDiv(b.getLastModified(), 1000));
        if (bySecond != 0) {
            return bySecond;
        }
        int byMix = Long.compare(mix(a), mix(b));
        return byMix != 0 ? byMix : a.getRelativeFilePath().compareTo(b.getRelativeFilePath());
    }

    /** A well-spread number from the path and this host's salt (SplitMix64's finaliser). */
    private long mix(GenericFile<File> file) {
        long z = salt * 0x9E3779B97F4A7C15L + file.getRelativeFilePath().hashCode();
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
