package dev.ferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What a native image would get wrong about a class it initialises while it is built. Quarkus has native-image run
 * every application class's static initialiser at build time and store what the static fields then hold in the
 * image: a seeded random, a thread, an open socket or file, a key, or a value read from the clock, the environment
 * or the build machine would be the build's, on every host the binary runs on (native-image refuses some of these
 * outright, as it refused {@code TargetCheck}'s static {@code SecureRandom}; others it takes silently).
 *
 * <p>Two looks at each class, so that neither the builder nor a native build is needed: its static initialiser's
 * bytecode, with the project's own methods it calls, for calls that read what differs between the build and the
 * run ({@link #READS}); and, after initialising the class as the image builder would, what its static fields hold,
 * followed into the project's own objects, arrays, collections and maps, for instances of {@link #HELD} types.
 */
public final class BuildTimeInitialisation {

    /** Types no static field may reach, each with why. */
    static final Map<Class<?>, String> HELD = Map.ofEntries(
            Map.entry(java.util.Random.class,
                    "a seeded random (SecureRandom, Random): every binary would repeat the build's"),
            Map.entry(java.util.SplittableRandom.class, "a seeded random: every binary would repeat the build's"),
            Map.entry(Thread.class, "a thread: threads do not survive into the image"),
            Map.entry(java.util.concurrent.ExecutorService.class, "an executor, which holds threads"),
            Map.entry(java.util.Timer.class, "a timer, which holds a thread"),
            Map.entry(java.net.Socket.class, "a socket: open connections do not survive into the image"),
            Map.entry(java.net.ServerSocket.class, "a socket: open connections do not survive into the image"),
            Map.entry(java.nio.channels.Channel.class,
                    "a channel (socket or file): nothing open survives into the image"),
            Map.entry(java.io.FileDescriptor.class, "a file descriptor: nothing open survives into the image"),
            Map.entry(java.io.FileInputStream.class, "an open file: nothing open survives into the image"),
            Map.entry(java.io.FileOutputStream.class, "an open file: nothing open survives into the image"),
            Map.entry(java.io.RandomAccessFile.class, "an open file: nothing open survives into the image"),
            Map.entry(java.security.Key.class, "a key: it would be the build's, readable in the binary"),
            Map.entry(java.security.KeyStore.class, "a key store: it would be the build's, readable in the binary"),
            Map.entry(javax.net.ssl.SSLContext.class, "a TLS context, which holds a seeded random and keys"),
            Map.entry(Process.class, "a process started by the build"));

    /** Calls a static initialiser must not make, as {@code owner.name}, each with why. */
    static final Map<String, String> READS = Map.ofEntries(
            Map.entry("java/lang/System.currentTimeMillis", "reads the clock: the value would be the build's"),
            Map.entry("java/lang/System.nanoTime", "reads the clock: the value would be the build's"),
            Map.entry("java/time/Instant.now", "reads the clock: the value would be the build's"),
            Map.entry("java/time/LocalDate.now", "reads the clock: the value would be the build's"),
            Map.entry("java/time/LocalDateTime.now", "reads the clock: the value would be the build's"),
            Map.entry("java/time/OffsetDateTime.now", "reads the clock: the value would be the build's"),
            Map.entry("java/time/ZonedDateTime.now", "reads the clock: the value would be the build's"),
            Map.entry("java/time/Clock.instant", "reads the clock: the value would be the build's"),
            Map.entry("java/time/Clock.millis", "reads the clock: the value would be the build's"),
            Map.entry("java/time/ZoneId.systemDefault", "reads the time zone: it would be the build machine's"),
            Map.entry("java/lang/System.getenv", "reads the environment: it would be the build's"),
            Map.entry("java/lang/System.getProperty", "reads a system property: it would be the build's"),
            Map.entry("java/lang/System.getProperties", "reads the system properties: they would be the build's"),
            Map.entry("java/lang/Runtime.availableProcessors", "counts the build machine's processors"),
            Map.entry("java/lang/Runtime.maxMemory", "reads the build JVM's heap size"),
            Map.entry("java/lang/ProcessHandle.current", "reads the build process"),
            Map.entry("java/net/InetAddress.getLocalHost", "reads the build machine's name"),
            Map.entry("java/util/UUID.randomUUID", "draws a random: every binary would repeat the build's"),
            Map.entry("java/lang/Math.random", "draws a random: every binary would repeat the build's"),
            Map.entry("java/util/Locale.getDefault", "reads the locale: it would be the build machine's"),
            Map.entry("java/nio/charset/Charset.defaultCharset", "reads the build machine's charset"),
            Map.entry("java/nio/file/Files.readString", "reads a file: its content would be the build machine's"),
            Map.entry("java/nio/file/Files.readAllBytes", "reads a file: its content would be the build machine's"),
            Map.entry("java/nio/file/Files.readAllLines", "reads a file: its content would be the build machine's"),
            Map.entry("java/nio/file/Files.newInputStream", "opens a file at build time"),
            Map.entry("java/nio/file/Files.newBufferedReader", "opens a file at build time"),
            Map.entry("java/nio/file/Files.exists", "looks at the build machine's file system"),
            Map.entry("java/nio/file/Files.isDirectory", "looks at the build machine's file system"),
            Map.entry("java/nio/file/Files.isRegularFile", "looks at the build machine's file system"));

    private final Path classes;
    private final Set<String> visitedMethods = new HashSet<>();
    private final List<String> findings = new ArrayList<>();
    private int classesChecked;

    private BuildTimeInitialisation(Path classes) {
        this.classes = classes;
    }

    /**
     * What is wrong with the classes under {@code classes} (a compiled output directory) whose internal names start
     * with {@code prefix}, one line each.
     */
    public static Result check(Path classes, String prefix, ClassLoader loader) throws IOException {
        BuildTimeInitialisation check = new BuildTimeInitialisation(classes);
        List<String> names;
        try (Stream<Path> files = Files.walk(classes)) {
            names = files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> classes.relativize(f).toString().replace('\\', '/'))
                    .filter(f -> f.startsWith(prefix))
                    .filter(f -> !f.endsWith("module-info.class") && !f.endsWith("package-info.class"))
                    .map(f -> f.substring(0, f.length() - ".class".length()))
                    .sorted()
                    .toList();
        }
        for (String internalName : names) {
            check.checkClass(internalName, loader);
        }
        return new Result(check.classesChecked, List.copyOf(check.findings));
    }

    /** What {@link #check} found, and on how many classes. */
    public record Result(int classesChecked, List<String> findings) {
    }

    private void checkClass(String internalName, ClassLoader loader) throws IOException {
        classesChecked++;
        checkStaticInitialiser(internalName);
        Class<?> type;
        try {
            type = Class.forName(internalName.replace('/', '.'), true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            findings.add(internalName.replace('/', '.') + " cannot be initialised outside the application (" + e
                    + "): the image builder would fail the same way; initialise it at run time or fix its static fields");
            return;
        }
        for (Field field : type.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || field.getType().isPrimitive()) {
                continue;
            }
            field.setAccessible(true);
            Object value;
            try {
                value = field.get(null);
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + type.getName() + "." + field.getName(), e);
            }
            walk(type.getName() + "." + field.getName(), value);
        }
    }

    /** Follows a static field's value into what the project's own code built; JDK objects are judged by type only. */
    private void walk(String field, Object root) {
        Map<Object, String> seen = new IdentityHashMap<>();
        Deque<Object[]> queue = new ArrayDeque<>();
        queue.add(new Object[]{root, field});
        while (!queue.isEmpty()) {
            Object[] next = queue.poll();
            Object value = next[0];
            String path = (String) next[1];
            if (value == null || seen.put(value, path) != null) {
                continue;
            }
            String wrong = held(value.getClass());
            if (wrong != null) {
                findings.add(field + " holds a " + value.getClass().getName()
                        + (path.equals(field) ? "" : " at " + path)
                        + ": " + wrong + ". Create it when first used, or in an instance, not in a static field");
                continue;
            }
            if (value.getClass().isArray() && !value.getClass().getComponentType().isPrimitive()) {
                for (int i = 0; i < Array.getLength(value); i++) {
                    queue.add(new Object[]{Array.get(value, i), path + "[" + i + "]"});
                }
            } else if (value instanceof Collection<?> collection) {
                collection.forEach(element -> queue.add(new Object[]{element, path + "[..]"}));
            } else if (value instanceof Map<?, ?> map) {
                map.forEach((k, v) -> {
                    queue.add(new Object[]{k, path + ".key"});
                    queue.add(new Object[]{v, path + "[" + k + "]"});
                });
            } else if (value instanceof Optional<?> optional) {
                optional.ifPresent(element -> queue.add(new Object[]{element, path + ".get()"}));
            } else if (isProjects(value.getClass())) {
                for (Class<?> c = value.getClass(); c != null && isProjects(c); c = c.getSuperclass()) {
                    for (Field f : c.getDeclaredFields()) {
                        if (Modifier.isStatic(f.getModifiers()) || f.getType().isPrimitive()) {
                            continue;
                        }
                        f.setAccessible(true);
                        try {
                            queue.add(new Object[]{f.get(value), path + "." + f.getName()});
                        } catch (IllegalAccessException e) {
                            throw new IllegalStateException("cannot read " + path + "." + f.getName(), e);
                        }
                    }
                }
            }
        }
    }

    private static String held(Class<?> type) {
        for (Map.Entry<Class<?>, String> entry : HELD.entrySet()) {
            if (entry.getKey().isAssignableFrom(type)) {
                return entry.getValue();
            }
        }
        return null;
    }

    private boolean isProjects(Class<?> type) {
        return Files.exists(classes.resolve(type.getName().replace('.', '/') + ".class"))
                || type.getName().contains("$$Lambda");
    }

    private void checkStaticInitialiser(String internalName) throws IOException {
        checkMethod(internalName, "<clinit>", "()V", internalName.replace('/', '.') + "'s static initialiser");
    }

    /** Reads one of the project's methods for {@link #READS} calls, and follows its calls into the project's code. */
    private void checkMethod(String owner, String name, String descriptor, String reachedFrom) throws IOException {
        if (!visitedMethods.add(owner + "." + name + descriptor)) {
            return;
        }
        Path file = classes.resolve(owner + ".class");
        if (!Files.exists(file)) {
            return;
        }
        List<String[]> calls = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {

                @Override
                public MethodVisitor visitMethod(int access, String method, String desc, String signature,
                        String[] exceptions) {
                    if (!method.equals(name) || !desc.equals(descriptor)) {
                        return null;
                    }
                    return new MethodVisitor(Opcodes.ASM9) {

                        @Override
                        public void visitMethodInsn(int opcode, String callOwner, String callName, String callDesc,
                                boolean isInterface) {
                            calls.add(new String[]{callOwner, callName, callDesc});
                        }
                    };
                }
            }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        }
        for (String[] call : calls) {
            String why = READS.get(call[0] + "." + call[1]);
            if (why != null) {
                findings.add(reachedFrom + " calls " + call[0].replace('/', '.') + "." + call[1] + ": it " + why
                        + ". Read it when used, not into a static field");
            } else if (Files.exists(classes.resolve(call[0] + ".class"))) {
                checkMethod(call[0], call[1], call[2], reachedFrom + " (through " + call[0].replace('/', '.') + "."
                        + call[1] + ")");
            }
        }
    }
}
