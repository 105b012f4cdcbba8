// Runs EPUBCheck on many files in one JVM (a JVM start costs 15-25 s per run).
//   java -cp epubcheck.jar tests/EpubCheckBatch.java REPORT_DIR FILE...
// Checks each .epub as a book and each .xhtml as a single EPUB 3 content document
// (the CLI's --mode xhtml -v 3.0), and writes EPUBCheck's JSON report for FILE number i
// to REPORT_DIR/i.json.
import com.adobe.epubcheck.tool.EpubChecker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public class EpubCheckBatch {
    public static void main(String[] args) {
        Path reports = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            List<String> options = new ArrayList<>(List.of(args[i]));
            if (args[i].endsWith(".xhtml")) {
                options.addAll(List.of("--mode", "xhtml", "-v", "3.0"));
            }
            options.addAll(List.of("--json", reports.resolve(i + ".json").toString()));
            new EpubChecker().run(options.toArray(new String[0]));
        }
    }
}
