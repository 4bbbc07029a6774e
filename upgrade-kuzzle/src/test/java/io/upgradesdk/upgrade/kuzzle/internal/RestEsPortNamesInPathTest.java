package io.upgradesdk.upgrade.kuzzle.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Index names batched into one request path stay under the request-line limit, each exactly once. */
class RestEsPortNamesInPathTest {

    @Test
    void a_few_names_go_in_one_request() {
        assertThat(RestEsPort.namesInPath(List.of("%kuzzle.users", "&nyc.yellowtaxi", "%kuzzle.users")))
                .containsExactly(List.of("%kuzzle.users", "&nyc.yellowtaxi"));
    }

    @Test
    void many_names_are_split_into_groups_that_each_fit_a_request_line() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            names.add("&open-data-" + i + ".collection-with-a-long-name");
        }

        List<List<String>> groups = RestEsPort.namesInPath(names);

        assertThat(groups).hasSizeGreaterThan(1);
        assertThat(groups).allSatisfy(g -> assertThat(g.stream().map(RestEsPort::enc).collect(Collectors.joining(",")))
                .hasSizeLessThanOrEqualTo(RestEsPort.MAX_NAMES_IN_PATH));
        assertThat(groups.stream().flatMap(List::stream).toList()).isEqualTo(names);
    }

    @Test
    void no_names_no_request() {
        assertThat(RestEsPort.namesInPath(List.of())).isEmpty();
    }
}
