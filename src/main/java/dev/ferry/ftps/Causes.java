package dev.ferry.ftps;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The one walk along a failure's cause chain, outermost first, safe against a cause that is its own cause. */
public final class Causes {

    private Causes() {
    }

    /** The failure and its causes, outermost first. */
    public static List<Throwable> chain(Throwable error) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = error; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    /** The outermost failure in the chain of the given type. */
    public static <T extends Throwable> Optional<T> find(Throwable error, Class<T> type) {
        return chain(error).stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    /** The innermost cause. */
    public static Throwable root(Throwable error) {
        List<Throwable> chain = chain(error);
        return chain.get(chain.size() - 1);
    }
}
