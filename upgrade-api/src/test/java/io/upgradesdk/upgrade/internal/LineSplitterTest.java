package io.upgradesdk.upgrade.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Output cut into lines as it is read, in bounded memory, whatever the read sizes. */
class LineSplitterTest {

    private final List<String> lines = new ArrayList<>();
    private final LineSplitter splitter = new LineSplitter(8, (text, cut) -> lines.add(cut ? text + "|cut" : text));

    private void feed(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        splitter.feed(bytes, bytes.length);
    }

    @Test
    void aLineGoesToTheSinkAtItsEndWithoutTheLineEnd() {
        feed("one\ntw");
        assertThat(lines).containsExactly("one");
        feed("o\r\nthree");
        assertThat(lines).containsExactly("one", "two");
        splitter.end();
        assertThat(lines).containsExactly("one", "two", "three");
    }

    @Test
    void emptyLinesAreLinesButAnEndedStreamAddsNoEmptyOne() {
        feed("\n\nx\n");
        splitter.end();
        assertThat(lines).containsExactly("", "", "x");
    }

    @Test
    void aLineLongerThanTheLimitGoesAtTheLimitMarkedCutAndItsRestIsDropped() {
        feed("12345678");
        assertThat(lines).isEmpty();
        feed("9abc");
        assertThat(lines).containsExactly("12345678|cut");
        feed("def\nnext\n");
        splitter.end();
        assertThat(lines).containsExactly("12345678|cut", "next");
    }

    @Test
    void aLineOfExactlyTheLimitIsWhole() {
        feed("12345678\n");
        assertThat(lines).containsExactly("12345678");
    }

    @Test
    void onlyTheBytesCountedAreRead() {
        byte[] bytes = "ab\ncd\nleft over".getBytes(StandardCharsets.UTF_8);
        splitter.feed(bytes, 5);
        splitter.end();
        assertThat(lines).containsExactly("ab", "cd");
    }

    @Test
    void aCutLineEndsBeforeACharacterTheCutSplitInsteadOfWithAReplacementCharacter() {
        feed("1234567é89\n");          // é is 2 bytes: its first is the 8th byte, its second would be the 9th
        feed("123456€\n");             // € is 3 bytes: 7th to 9th

        assertThat(lines).containsExactly("1234567|cut", "123456|cut");
        assertThat(LineSplitter.wholeCharacters("abcé".getBytes(StandardCharsets.UTF_8), 5)).isEqualTo(5);
        assertThat(LineSplitter.wholeCharacters("abcé".getBytes(StandardCharsets.UTF_8), 4)).isEqualTo(3);
    }

    @Test
    void aCharacterSplitBetweenTwoReadsIsDecodedWhole() {
        byte[] bytes = "é!\n".getBytes(StandardCharsets.UTF_8);
        splitter.feed(new byte[] {bytes[0]}, 1);
        splitter.feed(new byte[] {bytes[1], bytes[2], bytes[3]}, 3);
        assertThat(lines).containsExactly("é!");
    }
}
