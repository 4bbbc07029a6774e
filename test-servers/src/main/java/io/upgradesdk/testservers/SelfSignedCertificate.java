package io.upgradesdk.testservers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for 127.0.0.1 and localhost made by openssl (PEM, RSA 2048, 2 days):
 * servers present it, clients trust it as their custom CA.
 */
public final class SelfSignedCertificate {

    private final Path certificate;
    private final Path privateKey;

    private SelfSignedCertificate(Path certificate, Path privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /** Creates {@code cert.pem} and {@code key.pem} (unencrypted) in {@code dir}. */
    public static SelfSignedCertificate create(Path dir) {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        try {
            Files.createDirectories(dir);
            Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                    "-keyout", key.toString(), "-out", cert.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("openssl could not create a self-signed certificate: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("openssl not runnable (apt-get install openssl)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return new SelfSignedCertificate(cert, key);
    }

    /** The certificate (PEM); give it to clients as the CA to trust. */
    public Path certificate() {
        return certificate;
    }

    /** The private key (PEM, PKCS#8, unencrypted). */
    public Path privateKey() {
        return privateKey;
    }

    /** A TLS context trusting only this certificate, for test clients. */
    public SSLContext trustingContext() {
        try (InputStream in = Files.newInputStream(certificate)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("self", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException("cannot load " + certificate, e);
        }
    }
}
