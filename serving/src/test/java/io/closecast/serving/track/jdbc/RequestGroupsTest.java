package io.closecast.serving.track.jdbc;

import io.closecast.serving.track.LoggedForecast;
import io.closecast.serving.track.TrackStoreException;

import static io.closecast.serving.track.jdbc.JdbcTrackStoreTest.MON;
import static io.closecast.serving.track.jdbc.JdbcTrackStoreTest.forecast;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A batch's requests grouped by the forecast they got, ordered, cut at the span and size limits, packed and read back. */
class RequestGroupsTest {

    private static List<String> ids(RequestGroups.Group g) {
        return g.requests().stream().map(RequestGroups.Request::id).toList();
    }

    @Test
    void requestsThatGotTheSameForecastShareAGroupFirstRequestFirst() {
        List<LoggedForecast> batch = List.of(forecast("z", 5, "1", MON, 101), forecast("c", 3, "2", MON, 99),
                forecast("b", 5, "1", MON, 101), forecast("a", 7, "1", MON, 101), forecast("d", 4, "1", MON, 102),
                forecast("e", 2, "1", MON.plusDays(1), 101));
        List<RequestGroups.Group> groups = RequestGroups.of(batch, new int[] {1, 2, 1, 1, 1, 1});
        assertEquals(4, groups.size(), "version 1 at 101 (3 requests), version 2, version 1 at 102, another day");
        RequestGroups.Group same = groups.getFirst();
        assertEquals(List.of("b", "z", "a"), ids(same), "the first (b and z both at 5 ms: the lower id), then the batch's order");
        assertEquals("b", same.forecast().requestId(), "the first request (the one scoring takes) leads the row");
        assertEquals(List.of(List.of("c"), List.of("d"), List.of("e")), groups.subList(1, 4).stream().map(RequestGroupsTest::ids).toList());
        assertEquals(List.of(1, 2, 1, 1), groups.stream().map(RequestGroups.Group::series).toList());
    }

    @Test
    void theFirstRequestLeadsTheRestKeepTheBatchsOrder() {
        List<LoggedForecast> batch = List.of(forecast("p", 10, "1", MON, 101), forecast("q", 12, "1", MON, 101),
                forecast("r", 4, "1", MON, 101), forecast("s", 11, "1", MON, 101));
        RequestGroups.Group g = RequestGroups.of(batch, new int[4]).getFirst();
        assertEquals(List.of("r", "p", "q", "s"), ids(g), "r was answered first, though queued third");
        assertEquals("1|6,p|8,q|7,s", RequestGroups.packOthers(g.requests()), "offsets from the first: never negative");
    }

    @Test
    void aGroupSpansAtMostAMinuteAndHoldsAtMostItsLimit() {
        List<LoggedForecast> batch = new ArrayList<>();
        batch.add(forecast("t0", 0, "1", MON, 101));
        batch.add(forecast("t60", RequestGroups.MAX_SPAN_MS, "1", MON, 101));
        batch.add(forecast("t60+1", RequestGroups.MAX_SPAN_MS + 1, "1", MON, 101));
        List<RequestGroups.Group> groups = RequestGroups.of(batch, new int[] {1, 1, 1});
        assertEquals(List.of(List.of("t0", "t60"), List.of("t60+1")), groups.stream().map(RequestGroupsTest::ids).toList());
        List<RequestGroups.Group> back = RequestGroups.of(List.of(forecast("late", RequestGroups.MAX_SPAN_MS, "1", MON, 101),
                forecast("early", -1, "1", MON, 101)), new int[2]);
        assertEquals(List.of(List.of("late"), List.of("early")), back.stream().map(RequestGroupsTest::ids).toList(),
                "an earlier request that would stretch the row past a minute starts the next");

        List<LoggedForecast> many = new ArrayList<>();
        for (int i = 0; i < RequestGroups.MAX_REQUESTS + 1; i++) {
            many.add(forecast(String.format("r%06d", i), 1, "1", MON, 101));
        }
        List<RequestGroups.Group> cut = RequestGroups.of(many, new int[many.size()]);
        assertEquals(List.of(RequestGroups.MAX_REQUESTS, 1), cut.stream().map(g -> g.requests().size()).toList());
    }

    @Test
    void anIdThePackedTextCannotHoldIsAGroupOfItsOwn() {
        List<RequestGroups.Group> groups = RequestGroups.of(List.of(forecast("a|b", 1, "1", MON, 101),
                forecast("c,d", 1, "1", MON, 101), forecast("e", 1, "1", MON, 101)), new int[3]);
        assertEquals(List.of(List.of("a|b"), List.of("c,d"), List.of("e")), groups.stream().map(RequestGroupsTest::ids).toList());
    }

    @Test
    void packedRequestsReadBackAsWritten() {
        List<RequestGroups.Request> requests = List.of(new RequestGroups.Request("0193a-1", 1_733_000_000_000L),
                new RequestGroups.Request("0193a-2", 1_733_000_000_000L), new RequestGroups.Request("feedback-x", 1_733_000_059_999L));
        String packed = RequestGroups.packOthers(requests);
        assertEquals("1|0,0193a-2|59999,feedback-x", packed);
        assertEquals(requests, RequestGroups.unpack("0193a-1", 1_733_000_000_000L, packed));
        assertEquals("1", RequestGroups.packOthers(requests.subList(0, 1)), "a group of one: the format alone");
        assertEquals(requests.subList(0, 1), RequestGroups.unpack("0193a-1", 1_733_000_000_000L, "1"));
        for (String bad : List.of("2|0,x", "1|x", "1|5,", "1|,id", "1|a,b", "")) {
            TrackStoreException e = assertThrows(TrackStoreException.class, () -> RequestGroups.unpack("a", 0, bad), bad);
            assertTrue(e.getMessage().contains("expected format 1"), e.getMessage());
        }
    }
}
