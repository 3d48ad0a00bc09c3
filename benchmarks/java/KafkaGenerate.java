// Runs Kafka's own `kafka-reassign-partitions --generate` placement on a cluster description, offline.
//
// Kafka 4.1.1 computes --generate in the private static method
//   ReassignPartitionsCommand.calculateAssignment(Map<TopicPartition, List<Integer>>, List<UsableBroker>)
// (a fresh placement per topic with the KRaft controller's StripedReplicaPlacer). This harness calls exactly that
// method by reflection, so the benchmark compares against Kafka's code rather than a transcription of it.
//
// Input (stdin), one record per line:
//   B <broker id> <rack or ->
//   P <topic> <partition> <replica,replica,...>
// Output (stdout): P <topic> <partition> <replica,replica,...> for every partition, then
//   T <milliseconds spent inside calculateAssignment>
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.metadata.placement.UsableBroker;
import org.apache.kafka.tools.reassign.ReassignPartitionsCommand;

public final class KafkaGenerate {
    private KafkaGenerate() {
    }

    public static void main(String[] args) throws Exception {
        List<UsableBroker> brokers = new ArrayList<>();
        Map<TopicPartition, List<Integer>> current = new LinkedHashMap<>();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] f = line.trim().split(" ");
            if (f.length == 0 || f[0].isEmpty()) {
                continue;
            }
            if (f[0].equals("B")) {
                Optional<String> rack = f[2].equals("-") ? Optional.empty() : Optional.of(f[2]);
                brokers.add(new UsableBroker(Integer.parseInt(f[1]), rack, false));
            } else if (f[0].equals("P")) {
                List<Integer> replicas = new ArrayList<>();
                for (String r : f[3].split(",")) {
                    replicas.add(Integer.parseInt(r));
                }
                current.put(new TopicPartition(f[1], Integer.parseInt(f[2])), replicas);
            } else {
                throw new IllegalArgumentException("unknown record: " + line);
            }
        }
        Method calculate = ReassignPartitionsCommand.class.getDeclaredMethod(
            "calculateAssignment", Map.class, List.class);
        calculate.setAccessible(true);
        long start = System.nanoTime();
        @SuppressWarnings("unchecked")
        Map<TopicPartition, List<Integer>> proposed =
            (Map<TopicPartition, List<Integer>>) calculate.invoke(null, current, brokers);
        long millis = (System.nanoTime() - start) / 1_000_000;
        Map<String, Map<Integer, List<Integer>>> sorted = new TreeMap<>();
        for (Map.Entry<TopicPartition, List<Integer>> e : proposed.entrySet()) {
            sorted.computeIfAbsent(e.getKey().topic(), t -> new TreeMap<>()).put(e.getKey().partition(), e.getValue());
        }
        BufferedWriter out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        for (Map.Entry<String, Map<Integer, List<Integer>>> t : sorted.entrySet()) {
            for (Map.Entry<Integer, List<Integer>> p : t.getValue().entrySet()) {
                StringBuilder sb = new StringBuilder("P ").append(t.getKey()).append(' ').append(p.getKey()).append(' ');
                for (int i = 0; i < p.getValue().size(); i++) {
                    sb.append(i == 0 ? "" : ",").append(p.getValue().get(i));
                }
                out.write(sb.append('\n').toString());
            }
        }
        out.write("T " + millis + "\n");
        out.flush();
    }
}
