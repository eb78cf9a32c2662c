package n1radar.corpus;

import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the raw OTLP protobuf bodies the agent exported (as the recorder captured them) into the corpus's format:
 * one OTLP/JSON ExportTraceServiceRequest per line. protobuf's own JSON printer does the mapping; OTLP/JSON differs
 * from it only in ids (hex, not base64) and enums (integers), so ids are rewritten and enums printed as numbers.
 *
 * <p>Usage: OtlpToJson MANIFEST, where each line of MANIFEST is "out.jsonl TAB body1.pb TAB body2.pb ...".
 */
public final class OtlpToJson {
  private static final Pattern ID = Pattern.compile("\"(traceId|spanId|parentSpanId)\":\"([A-Za-z0-9+/=]*)\"");

  public static void main(String[] args) throws IOException {
    JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace().printingEnumsAsInts();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (line.isBlank()) continue;
      String[] parts = line.split("\t");
      List<String> out = new ArrayList<>();
      for (int i = 1; i < parts.length; i++) {
        ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(Files.readAllBytes(Path.of(parts[i])));
        out.add(hexIds(printer.print(request)));
      }
      Files.writeString(Path.of(parts[0]), String.join("\n", out) + "\n", StandardCharsets.UTF_8);
    }
  }

  static String hexIds(String json) {
    Matcher m = ID.matcher(json);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String hex = HexFormat.of().formatHex(Base64.getDecoder().decode(m.group(2)));
      m.appendReplacement(sb, "\"" + m.group(1) + "\":\"" + hex + "\"");
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
