package dev.ferry.ftps;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.Locale;

import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/** Builds the trust managers of a target: from a PEM or PKCS12 file, or the JDK's own trusted CAs. */
public final class TrustStores {

    private TrustStores() {
    }

    /**
     * @param file     PEM file of certificates, or a PKCS12 keystore; {@code null} for the JDK's default trust
     * @param password the PKCS12 password, or {@code null}
     */
    public static TrustManager[] trustManagers(Path file, String password)
            throws IOException, GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(file == null ? null : load(file, password));
        return factory.getTrustManagers();
    }

    static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".p12") || name.endsWith(".pfx") || name.endsWith(".jks")) {
            KeyStore store = KeyStore.getInstance(name.endsWith(".jks") ? "JKS" : "PKCS12");
            try (InputStream in = Files.newInputStream(file)) {
                store.load(in, password == null ? null : password.toCharArray());
            }
            return store;
        }
        Collection<? extends Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certificates.isEmpty()) {
            throw new GeneralSecurityException(
                    "no certificate found in " + file + " (expected PEM '-----BEGIN CERTIFICATE-----' blocks)");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Certificate certificate : certificates) {
            store.setCertificateEntry("trusted-" + i++, certificate);
        }
        return store;
    }
}
