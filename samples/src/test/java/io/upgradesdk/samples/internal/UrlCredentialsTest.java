package io.upgradesdk.samples.internal;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** URLs given on the command line with a user and password in them are refused, never echoed. */
class UrlCredentialsTest {

    @Test
    void aPasswordInAnyUrlOfTheListIsRefusedEvenWhenItHoldsTheListsComma() {
        for (String urls : new String[] {"http://elastic:s3cret@es:9200", "http://es1:9200,http://elastic:s3cret@es2:9200",
                "http://elastic:s3c,ret@es:9200", "https://elastic:s3c,ret@es1:9200,https://es2:9200"}) {
            assertThatThrownBy(() -> UrlCredentials.refuse("--source", urls, "give --user"))
                    .as(urls).hasMessageStartingWith("--source carries credentials").hasMessageNotContaining("s3c");
        }
    }

    @Test
    void urlsWithoutCredentialsPass() {
        assertThatCode(() -> UrlCredentials.refuse("--source", "http://es1:9200,https://es2:9200/path@x", "give --user"))
                .doesNotThrowAnyException();
        assertThatCode(() -> UrlCredentials.refuse("--source", null, "give --user")).doesNotThrowAnyException();
    }
}
