package dev.ferry.cli;

import java.util.List;

/**
 * What the command line asks for: run the service (no arguments, or {@code run}), {@code validate} the
 * configuration, {@code check} one target or all, or {@code help}. Parsed before anything starts, so a typo costs no
 * start-up and is answered with the usage and exit status {@value #USAGE_ERROR}.
 */
record Command(Mode mode, String target, boolean write) {

    /** Exit statuses, as the README's "Exit statuses" lists them. */
    static final int OK = 0;
    /** Quarkus' own status for a start-up failure: a configuration or route file problem, named in one line. */
    static final int CONFIGURATION_ERROR = 1;
    static final int USAGE_ERROR = 2;
    static final int CHECK_FAILED = 3;

    static final String USAGE = """
            Usage: ferry [run]                      run the service: ship files as the route files say
                   ferry validate                   check application.properties and routes/*.yaml, connect nowhere
                   ferry check [TARGET] [--no-write] connect to TARGET (default: every target) step by step and,
                                                    unless --no-write, upload a small file to each route's remote
                                                    directory as the route does (STOR, SIZE, rename, also over an
                                                    existing name) and delete it
                   ferry help                       this text
            The config directory is FERRY_CONFIG_DIR (installed: /etc/ferry).
            Exit status: 0 ok, 1 configuration error, 2 usage error, 3 a check step failed.""";

    enum Mode {
        RUN, VALIDATE, CHECK, HELP
    }

    static Command parse(String... args) throws UsageException {
        List<String> words = List.of(args);
        if (words.isEmpty() || words.equals(List.of("run"))) {
            return new Command(Mode.RUN, null, false);
        }
        String first = words.get(0);
        List<String> rest = words.subList(1, words.size());
        switch (first) {
            case "help", "--help", "-h" -> {
                return new Command(Mode.HELP, null, false);
            }
            case "validate" -> {
                if (!rest.isEmpty()) {
                    throw new UsageException("validate takes no arguments, not '" + rest.get(0) + "'");
                }
                return new Command(Mode.VALIDATE, null, false);
            }
            case "check" -> {
                String target = null;
                boolean write = true;
                for (String word : rest) {
                    if (word.equals("--no-write")) {
                        write = false;
                    } else if (word.startsWith("-")) {
                        throw new UsageException("check: unknown option '" + word + "'");
                    } else if (target != null) {
                        throw new UsageException("check takes one target, not '" + target + "' and '" + word + "'");
                    } else {
                        target = word;
                    }
                }
                return new Command(Mode.CHECK, target, write);
            }
            default -> throw new UsageException("unknown command '" + first + "'");
        }
    }

    static final class UsageException extends Exception {

        UsageException(String message) {
            super(message);
        }
    }
}
