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
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
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
 * <p>Two looks at each of the project's classes, so that neither the builder nor a native build is needed: its static
 * initialiser's bytecode, with the project's own methods it calls (inherited ones included), for calls that read what
 * differs between the build and the run ({@link #READS}); and, after initialising the class as the image builder
 * would, what its static fields hold, followed into the project's own objects, arrays, collections, maps, optionals
 * and atomic references, for instances of {@link #HELD} types. Not followed: lambdas and method references (a static
 * supplier that reads the clock when it is called is fine), calls through an interface or an abstract method, and the
 * libraries' classes, which their Quarkus extensions initialise.
 */
public final class BuildTimeInitialisation {

    private static final String OPEN = "nothing open survives into the image";
    private static final String CLOCK = "reads the clock: the value would be the build's";
    private static final String PROPERTY = "reads a system property: it would be the build's";
    private static final String FILES = "looks at the build machine's file system";

    /** Types no static field may reach, each with why. */
    static final Map<Class<?>, String> HELD = Map.ofEntries(
            Map.entry(java.util.Random.class, "a seeded random (SecureRandom, Random): every binary would repeat"
                    + " the build's"),
            Map.entry(java.util.SplittableRandom.class, "a seeded random: every binary would repeat the build's"),
            Map.entry(Thread.class, "a thread: threads do not survive into the image"),
            Map.entry(java.util.concurrent.ExecutorService.class, "an executor, which holds threads"),
            Map.entry(java.util.Timer.class, "a timer, which holds a thread"),
            Map.entry(java.net.http.HttpClient.class, "an HTTP client, which holds threads and a TLS context"),
            Map.entry(java.net.Socket.class, "a socket: " + OPEN),
            Map.entry(java.net.ServerSocket.class, "a socket: " + OPEN),
            Map.entry(java.net.DatagramSocket.class, "a socket: " + OPEN),
            Map.entry(java.nio.channels.Channel.class, "a channel (socket or file): " + OPEN),
            Map.entry(java.nio.channels.Selector.class, "a selector: " + OPEN),
            Map.entry(java.io.FileDescriptor.class, "a file descriptor: " + OPEN),
            Map.entry(java.io.FileInputStream.class, "an open file: " + OPEN),
            Map.entry(java.io.FileOutputStream.class, "an open file: " + OPEN),
            Map.entry(java.io.RandomAccessFile.class, "an open file: " + OPEN),
            Map.entry(Process.class, "a process started by the build"),
            Map.entry(java.security.Key.class, "a key: it would be the build's, readable in the binary"),
            Map.entry(java.security.KeyPair.class, "a key pair: it would be the build's, readable in the binary"),
            Map.entry(java.security.KeyStore.class, "a key store: it would be the build's, readable in the binary"),
            Map.entry(java.security.KeyPairGenerator.class, "a key generator, which holds a seeded random"),
            Map.entry(java.security.Signature.class, "a signature, which holds a key once initialised"),
            Map.entry(javax.crypto.Cipher.class, "a cipher, which holds a key once initialised"),
            Map.entry(javax.crypto.Mac.class, "a MAC, which holds a key once initialised"),
            Map.entry(javax.net.ssl.KeyManager.class, "a key manager, which holds private keys"),
            Map.entry(javax.net.ssl.SSLContext.class, "a TLS context, which holds a seeded random and keys"),
            Map.entry(javax.net.ssl.SSLSocketFactory.class, "a TLS socket factory, which holds a TLS context"),
            Map.entry(javax.net.ssl.SSLServerSocketFactory.class, "a TLS socket factory, which holds a TLS context"),
            Map.entry(javax.net.ssl.SSLEngine.class, "a TLS engine, which holds a TLS context"));

    /**
     * Calls a static initialiser must not make, as {@code owner.name} or, for one constructor or overload,
     * {@code owner.name(descriptor)}, each with why.
     */
    static final Map<String, String> READS = Map.ofEntries(
            Map.entry("java/lang/System.currentTimeMillis", CLOCK),
            Map.entry("java/lang/System.nanoTime", CLOCK),
            Map.entry("java/time/Instant.now", CLOCK),
            Map.entry("java/time/LocalDate.now", CLOCK),
            Map.entry("java/time/LocalDateTime.now", CLOCK),
            Map.entry("java/time/LocalTime.now", CLOCK),
            Map.entry("java/time/OffsetDateTime.now", CLOCK),
            Map.entry("java/time/OffsetTime.now", CLOCK),
            Map.entry("java/time/ZonedDateTime.now", CLOCK),
            Map.entry("java/time/Year.now", CLOCK),
            Map.entry("java/time/YearMonth.now", CLOCK),
            Map.entry("java/time/MonthDay.now", CLOCK),
            Map.entry("java/time/Clock.instant", CLOCK),
            Map.entry("java/time/Clock.millis", CLOCK),
            Map.entry("java/time/InstantSource.instant", CLOCK),
            Map.entry("java/time/InstantSource.millis", CLOCK),
            Map.entry("java/util/Date.<init>()V", CLOCK),
            Map.entry("java/util/Calendar.getInstance", "reads the clock and the time zone: they would be the build's"),
            Map.entry("java/time/Clock.systemDefaultZone", "takes the time zone: it would be the build machine's"),
            Map.entry("java/time/ZoneId.systemDefault", "reads the time zone: it would be the build machine's"),
            Map.entry("java/util/TimeZone.getDefault", "reads the time zone: it would be the build machine's"),
            Map.entry("java/lang/System.getenv", "reads the environment: it would be the build's"),
            Map.entry("java/lang/System.getProperty", PROPERTY),
            Map.entry("java/lang/System.getProperties", "reads the system properties: they would be the build's"),
            Map.entry("java/lang/Integer.getInteger", PROPERTY),
            Map.entry("java/lang/Long.getLong", PROPERTY),
            Map.entry("java/lang/Boolean.getBoolean", PROPERTY),
            Map.entry("org/eclipse/microprofile/config/ConfigProvider.getConfig",
                    "reads the configuration: it would be the build's"),
            Map.entry("java/lang/Runtime.availableProcessors", "counts the build machine's processors"),
            Map.entry("java/lang/Runtime.maxMemory", "reads the build JVM's heap size"),
            Map.entry("java/lang/ProcessHandle.current", "reads the build process"),
            Map.entry("java/net/InetAddress.getLocalHost", "reads the build machine's name"),
            Map.entry("java/net/InetAddress.getByName", "resolves a name on the build machine"),
            Map.entry("java/net/InetAddress.getAllByName", "resolves a name on the build machine"),
            Map.entry("java/util/UUID.randomUUID", "draws a random: every binary would repeat the build's"),
            Map.entry("java/lang/Math.random", "draws a random: every binary would repeat the build's"),
            Map.entry("java/security/SecureRandom.<init>", "seeds a random: every binary would repeat the build's"),
            Map.entry("java/util/Random.<init>", "seeds a random: every binary would repeat the build's"),
            Map.entry("java/util/concurrent/ThreadLocalRandom.current", "draws a random: it would be the build's"),
            Map.entry("java/util/Locale.getDefault", "reads the locale: it would be the build machine's"),
            Map.entry("java/nio/charset/Charset.defaultCharset", "reads the build machine's charset"),
            Map.entry("java/nio/file/Files.readString", "reads a file: its content would be the build machine's"),
            Map.entry("java/nio/file/Files.readAllBytes", "reads a file: its content would be the build machine's"),
            Map.entry("java/nio/file/Files.readAllLines", "reads a file: its content would be the build machine's"),
            Map.entry("java/nio/file/Files.lines", "reads a file: its content would be the build machine's"),
            Map.entry("java/nio/file/Files.newInputStream", "opens a file at build time"),
            Map.entry("java/nio/file/Files.newBufferedReader", "opens a file at build time"),
            Map.entry("java/io/FileInputStream.<init>", "opens a file at build time"),
            Map.entry("java/io/FileReader.<init>", "opens a file at build time"),
            Map.entry("java/nio/file/Files.exists", FILES),
            Map.entry("java/nio/file/Files.isDirectory", FILES),
            Map.entry("java/nio/file/Files.isRegularFile", FILES),
            Map.entry("java/nio/file/Files.list", FILES),
            Map.entry("java/nio/file/Files.walk", FILES),
            Map.entry("java/nio/file/Files.size", FILES),
            Map.entry("java/nio/file/Files.getLastModifiedTime", FILES));

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
        // each class's initialiser is followed on its own, so a helper two of them call is named for both
        visitedMethods.clear();
        checkMethod(internalName, "<clinit>", "()V", internalName.replace('/', '.') + "'s static initialiser");
        Class<?> type;
        try {
            type = Class.forName(internalName.replace('/', '.'), true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            findings.add(internalName.replace('/', '.') + " cannot be initialised outside the application (" + e
                    + "): the image builder would fail the same way; initialise it at run time or fix its static fields");
            return;
        }
        // one walk per class: an object two static fields reach (an enum constant and $VALUES) is one finding
        Map<Object, String> seen = new IdentityHashMap<>();
        // declared fields first (an enum's constants before its synthetic values array), whatever order the JVM gives
        List<Field> fields = new ArrayList<>(List.of(type.getDeclaredFields()));
        fields.sort(Comparator.comparing(Field::isSynthetic));
        for (Field field : fields) {
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
            walk(type.getName() + "." + field.getName(), value, seen);
        }
    }

    /** Follows a static field's value into what the project's own code built; JDK objects are judged by type only. */
    private void walk(String field, Object root, Map<Object, String> seen) {
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
                    // a key's own toString is not called: it may be the project's, and fail
                    String key = k instanceof Enum<?> e
                            ? e.name()
                            : k instanceof String || k instanceof Number ? k.toString() : "..";
                    queue.add(new Object[]{k, path + ".key"});
                    queue.add(new Object[]{v, path + "[" + key + "]"});
                });
            } else if (value instanceof Map.Entry<?, ?> entry) {
                queue.add(new Object[]{entry.getKey(), path + ".getKey()"});
                queue.add(new Object[]{entry.getValue(), path + ".getValue()"});
            } else if (value instanceof Optional<?> optional) {
                optional.ifPresent(element -> queue.add(new Object[]{element, path + ".get()"}));
            } else if (value instanceof AtomicReference<?> reference) {
                queue.add(new Object[]{reference.get(), path + ".get()"});
            }
            // the project's own class, a collection of its own included: its fields too
            if (isProjects(value.getClass())) {
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

    /** One of the project's classes, or a lambda made in one (hidden, named after it); never a JDK class. */
    private boolean isProjects(Class<?> type) {
        String name = type.getName();
        if (type.isHidden() && name.contains("$$Lambda")) {
            name = name.substring(0, name.indexOf("$$Lambda"));
        }
        return Files.exists(classes.resolve(name.replace('.', '/') + ".class"));
    }

    /**
     * Reads one of the project's methods for {@link #READS} calls, and follows its calls into the project's code; a
     * method the named class inherits is looked for in its superclasses.
     */
    private void checkMethod(String owner, String name, String descriptor, String reachedFrom) throws IOException {
        if (!visitedMethods.add(owner + "." + name + descriptor)) {
            return;
        }
        Path file = classes.resolve(owner + ".class");
        if (!Files.exists(file)) {
            return;
        }
        List<String[]> calls = new ArrayList<>();
        String[] superName = new String[1];
        boolean[] declared = new boolean[1];
        try (InputStream in = Files.newInputStream(file)) {
            new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {

                @Override
                public void visit(int version, int access, String className, String signature, String superClass,
                        String[] interfaces) {
                    superName[0] = superClass;
                }

                @Override
                public MethodVisitor visitMethod(int access, String method, String desc, String signature,
                        String[] exceptions) {
                    if (!method.equals(name) || !desc.equals(descriptor)) {
                        return null;
                    }
                    declared[0] = true;
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
        if (!declared[0] && !name.equals("<clinit>") && !name.equals("<init>") && superName[0] != null) {
            // javac names the class a call was made through, which may inherit the method
            checkMethod(superName[0], name, descriptor, reachedFrom);
            return;
        }
        for (String[] call : calls) {
            String why = READS.getOrDefault(call[0] + "." + call[1] + call[2], READS.get(call[0] + "." + call[1]));
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
