package catalogtest

// field is one lĩnh vực with the things its procedures are about and the
// agencies that handle them at each level.
type field struct {
	name     string
	objects  []string          // what the procedure is about ("giấy phép xây dựng")
	agencies map[string]string // level → agency
	subjects []string
	results  []string
	laws     []string // the field's main legal texts
}

// Levels (cấp thực hiện).
const (
	levelCommune  = "Cấp xã"
	levelDistrict = "Cấp huyện"
	levelProvince = "Cấp tỉnh"
	levelCentral  = "Cấp trung ương"
)

var levels = []string{levelCommune, levelDistrict, levelProvince, levelCentral}

var fields = []field{
	{
		name: "Hộ tịch",
		objects: []string{"khai sinh", "kết hôn", "khai tử", "nhận cha, mẹ, con", "giám hộ", "chấm dứt giám hộ",
			"thay đổi, cải chính, bổ sung thông tin hộ tịch", "khai sinh có yếu tố nước ngoài", "kết hôn có yếu tố nước ngoài",
			"xác nhận tình trạng hôn nhân", "cấp bản sao trích lục hộ tịch", "ghi vào Sổ hộ tịch việc ly hôn", "khai sinh kết hợp nhận cha, mẹ, con"},
		agencies: map[string]string{levelCommune: "Ủy ban nhân dân cấp xã", levelDistrict: "Phòng Tư pháp", levelProvince: "Sở Tư pháp", levelCentral: "Bộ Tư pháp"},
		subjects: []string{"Công dân Việt Nam", "Công dân Việt Nam; người nước ngoài thường trú tại Việt Nam", "Cá nhân có yêu cầu"},
		results:  []string{"Giấy khai sinh (bản chính)", "Giấy chứng nhận kết hôn", "Trích lục hộ tịch", "Quyết định công nhận"},
		laws:     []string{"Luật Hộ tịch số 60/2014/QH13 ngày 20/11/2014", "Nghị định số 123/2015/NĐ-CP ngày 15/11/2015 của Chính phủ quy định chi tiết một số điều và biện pháp thi hành Luật Hộ tịch", "Thông tư số 04/2020/TT-BTP ngày 28/5/2020 của Bộ Tư pháp"},
	},
	{
		name:     "Cư trú",
		objects:  []string{"thường trú", "tạm trú", "gia hạn tạm trú", "khai báo tạm vắng", "thông báo lưu trú", "xóa đăng ký thường trú", "xóa đăng ký tạm trú", "tách hộ", "điều chỉnh thông tin về cư trú"},
		agencies: map[string]string{levelCommune: "Công an cấp xã", levelDistrict: "Công an cấp huyện", levelProvince: "Công an tỉnh", levelCentral: "Cục Cảnh sát quản lý hành chính về trật tự xã hội - Bộ Công an"},
		subjects: []string{"Công dân Việt Nam", "Công dân Việt Nam có nơi ở hợp pháp", "Chủ hộ hoặc người đại diện hộ gia đình"},
		results:  []string{"Thông tin cư trú được cập nhật trong Cơ sở dữ liệu về cư trú", "Thông báo bằng văn bản"},
		laws:     []string{"Luật Cư trú số 68/2020/QH14 ngày 13/11/2020", "Nghị định số 62/2021/NĐ-CP ngày 29/6/2021 của Chính phủ quy định chi tiết một số điều của Luật Cư trú", "Thông tư số 55/2021/TT-BCA ngày 15/5/2021 của Bộ Công an"},
	},
	{
		name: "Đất đai",
		objects: []string{"giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "biến động đất đai", "chuyển mục đích sử dụng đất",
			"tách thửa hoặc hợp thửa đất", "gia hạn sử dụng đất", "thế chấp quyền sử dụng đất", "đính chính giấy chứng nhận", "xóa đăng ký thế chấp"},
		agencies: map[string]string{levelCommune: "Ủy ban nhân dân cấp xã", levelDistrict: "Văn phòng đăng ký đất đai - Chi nhánh", levelProvince: "Sở Nông nghiệp và Môi trường", levelCentral: "Bộ Nông nghiệp và Môi trường"},
		subjects: []string{"Hộ gia đình, cá nhân", "Tổ chức, hộ gia đình, cá nhân sử dụng đất", "Người sử dụng đất"},
		results:  []string{"Giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "Quyết định cho phép chuyển mục đích sử dụng đất", "Xác nhận nội dung biến động vào giấy chứng nhận đã cấp"},
		laws:     []string{"Luật Đất đai số 31/2024/QH15 ngày 18/01/2024", "Nghị định số 101/2024/NĐ-CP ngày 29/7/2024 của Chính phủ quy định về điều tra cơ bản đất đai; đăng ký, cấp giấy chứng nhận", "Nghị định số 102/2024/NĐ-CP ngày 30/7/2024 của Chính phủ quy định chi tiết thi hành một số điều của Luật Đất đai"},
	},
	{
		name:     "Xây dựng",
		objects:  []string{"giấy phép xây dựng", "giấy phép xây dựng có thời hạn", "giấy phép sửa chữa, cải tạo công trình", "giấy phép di dời công trình", "chứng chỉ hành nghề hoạt động xây dựng", "chứng chỉ năng lực hoạt động xây dựng", "thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng"},
		agencies: map[string]string{levelCommune: "Ủy ban nhân dân cấp xã", levelDistrict: "Ủy ban nhân dân cấp huyện", levelProvince: "Sở Xây dựng", levelCentral: "Bộ Xây dựng"},
		subjects: []string{"Chủ đầu tư", "Tổ chức, cá nhân", "Hộ gia đình, cá nhân có công trình xây dựng"},
		results:  []string{"Giấy phép xây dựng", "Chứng chỉ hành nghề", "Văn bản thông báo kết quả thẩm định"},
		laws:     []string{"Luật Xây dựng số 50/2014/QH13 ngày 18/6/2014", "Luật số 62/2020/QH14 sửa đổi, bổ sung một số điều của Luật Xây dựng", "Nghị định số 175/2024/NĐ-CP ngày 30/12/2024 của Chính phủ quy định chi tiết một số điều và biện pháp thi hành Luật Xây dựng về quản lý hoạt động xây dựng"},
	},
	{
		name:     "Giáo dục và Đào tạo",
		objects:  []string{"bản sao văn bằng, chứng chỉ từ sổ gốc", "công nhận văn bằng do cơ sở giáo dục nước ngoài cấp", "chỉnh sửa nội dung văn bằng, chứng chỉ", "phép thành lập trường mầm non tư thục", "phép hoạt động giáo dục nhóm trẻ, lớp mẫu giáo độc lập", "chuyển trường đối với học sinh trung học cơ sở", "xét tuyển học sinh vào trường dự bị đại học"},
		agencies: map[string]string{levelCommune: "Ủy ban nhân dân cấp xã", levelDistrict: "Phòng Giáo dục và Đào tạo", levelProvince: "Sở Giáo dục và Đào tạo", levelCentral: "Bộ Giáo dục và Đào tạo"},
		subjects: []string{"Cá nhân", "Học sinh, cha mẹ học sinh", "Tổ chức, cá nhân"},
		results:  []string{"Bản sao văn bằng, chứng chỉ từ sổ gốc", "Quyết định cho phép", "Văn bản công nhận"},
		laws:     []string{"Luật Giáo dục số 43/2019/QH14 ngày 14/6/2019", "Nghị định số 125/2024/NĐ-CP ngày 05/10/2024 của Chính phủ quy định về điều kiện đầu tư và hoạt động trong lĩnh vực giáo dục", "Thông tư số 21/2019/TT-BGDĐT ngày 29/11/2019 của Bộ Giáo dục và Đào tạo"},
	},
	{
		name:     "Y tế",
		objects:  []string{"giấy phép hành nghề khám bệnh, chữa bệnh", "giấy phép hoạt động cơ sở khám bệnh, chữa bệnh", "chứng chỉ hành nghề dược", "giấy chứng nhận đủ điều kiện kinh doanh dược", "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "công bố cơ sở đủ điều kiện sản xuất trang thiết bị y tế"},
		agencies: map[string]string{levelCommune: "Trạm Y tế cấp xã", levelDistrict: "Phòng Y tế", levelProvince: "Sở Y tế", levelCentral: "Bộ Y tế"},
		subjects: []string{"Cá nhân hành nghề khám bệnh, chữa bệnh", "Cơ sở khám bệnh, chữa bệnh", "Tổ chức, cá nhân kinh doanh"},
		results:  []string{"Giấy phép hành nghề", "Giấy phép hoạt động", "Giấy chứng nhận"},
		laws:     []string{"Luật Khám bệnh, chữa bệnh số 15/2023/QH15 ngày 09/01/2023", "Nghị định số 96/2023/NĐ-CP ngày 30/12/2023 của Chính phủ quy định chi tiết một số điều của Luật Khám bệnh, chữa bệnh", "Luật Dược số 105/2016/QH13 ngày 06/4/2016"},
	},
	{
		name:     "Thuế",
		objects:  []string{"đăng ký thuế lần đầu", "thay đổi thông tin đăng ký thuế", "hoàn thuế thu nhập cá nhân", "miễn, giảm thuế", "khai thuế đối với hộ kinh doanh", "quyết toán thuế thu nhập cá nhân", "khôi phục mã số thuế"},
		agencies: map[string]string{levelCommune: "Đội Thuế liên xã", levelDistrict: "Chi cục Thuế khu vực", levelProvince: "Thuế tỉnh", levelCentral: "Cục Thuế"},
		subjects: []string{"Người nộp thuế", "Cá nhân có thu nhập", "Hộ kinh doanh, cá nhân kinh doanh"},
		results:  []string{"Thông báo mã số thuế", "Quyết định hoàn thuế", "Thông báo chấp nhận hồ sơ"},
		laws:     []string{"Luật Quản lý thuế số 38/2019/QH14 ngày 13/6/2019", "Nghị định số 126/2020/NĐ-CP ngày 19/10/2020 của Chính phủ quy định chi tiết một số điều của Luật Quản lý thuế", "Thông tư số 86/2024/TT-BTC ngày 23/12/2024 của Bộ Tài chính quy định về đăng ký thuế"},
	},
	{
		name:     "Công thương",
		objects:  []string{"giấy phép bán lẻ sản phẩm rượu", "giấy phép bán lẻ sản phẩm thuốc lá", "giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu", "giấy phép sản xuất rượu thủ công nhằm mục đích kinh doanh", "giấy phép kinh doanh khí", "giấy chứng nhận huấn luyện kỹ thuật an toàn hóa chất"},
		agencies: map[string]string{levelCommune: "Ủy ban nhân dân cấp xã", levelDistrict: "Phòng Kinh tế", levelProvince: "Sở Công Thương", levelCentral: "Bộ Công Thương"},
		subjects: []string{"Thương nhân", "Doanh nghiệp, hộ kinh doanh", "Tổ chức, cá nhân kinh doanh"},
		results:  []string{"Giấy phép", "Giấy chứng nhận đủ điều kiện", "Văn bản xác nhận"},
		laws:     []string{"Luật Thương mại số 36/2005/QH11 ngày 14/6/2005", "Nghị định số 105/2017/NĐ-CP ngày 14/9/2017 của Chính phủ về kinh doanh rượu", "Nghị định số 83/2014/NĐ-CP ngày 03/9/2014 của Chính phủ về kinh doanh xăng dầu"},
	},
	{
		name:     "Nông nghiệp",
		objects:  []string{"chứng chỉ hành nghề thú y", "giấy chứng nhận cơ sở an toàn dịch bệnh động vật", "giấy phép khai thác thủy sản", "giấy chứng nhận đăng ký tàu cá", "công nhận làng nghề", "giấy phép vận chuyển thuốc bảo vệ thực vật"},
		agencies: map[string]string{levelCommune: "Ủy ban nhân dân cấp xã", levelDistrict: "Phòng Nông nghiệp và Môi trường", levelProvince: "Sở Nông nghiệp và Môi trường", levelCentral: "Bộ Nông nghiệp và Môi trường"},
		subjects: []string{"Tổ chức, cá nhân", "Chủ tàu cá", "Cơ sở chăn nuôi"},
		results:  []string{"Chứng chỉ hành nghề", "Giấy chứng nhận", "Giấy phép"},
		laws:     []string{"Luật Thú y số 79/2015/QH13 ngày 19/6/2015", "Luật Thủy sản số 18/2017/QH14 ngày 21/11/2017", "Nghị định số 26/2019/NĐ-CP ngày 08/3/2019 của Chính phủ quy định chi tiết một số điều và biện pháp thi hành Luật Thủy sản"},
	},
	{
		name:     "Giao thông vận tải",
		objects:  []string{"giấy phép lái xe", "giấy phép lái xe quốc tế", "giấy chứng nhận đăng ký xe", "biển số xe", "giấy phép liên vận", "phù hiệu xe kinh doanh vận tải", "giấy phép kinh doanh vận tải bằng xe ô tô"},
		agencies: map[string]string{levelCommune: "Công an cấp xã", levelDistrict: "Phòng Cảnh sát giao thông", levelProvince: "Sở Xây dựng", levelCentral: "Cục Đường bộ Việt Nam"},
		subjects: []string{"Cá nhân", "Chủ xe", "Doanh nghiệp, hợp tác xã kinh doanh vận tải"},
		results:  []string{"Giấy phép lái xe", "Giấy chứng nhận đăng ký xe và biển số", "Giấy phép"},
		laws:     []string{"Luật Trật tự, an toàn giao thông đường bộ số 36/2024/QH15 ngày 27/6/2024", "Luật Đường bộ số 35/2024/QH15 ngày 27/6/2024", "Thông tư số 35/2024/TT-BGTVT ngày 15/11/2024 quy định về đào tạo, sát hạch, cấp giấy phép lái xe"},
	},
	{
		name:     "Lao động, tiền lương và bảo hiểm xã hội",
		objects:  []string{"giấy phép lao động cho người lao động nước ngoài", "trợ cấp thất nghiệp", "đăng ký nội quy lao động", "hỗ trợ học nghề", "bảo hiểm xã hội một lần", "chế độ thai sản", "giấy phép hoạt động cho thuê lại lao động"},
		agencies: map[string]string{levelCommune: "Ủy ban nhân dân cấp xã", levelDistrict: "Phòng Nội vụ", levelProvince: "Sở Nội vụ", levelCentral: "Bộ Nội vụ"},
		subjects: []string{"Người lao động", "Người sử dụng lao động", "Doanh nghiệp"},
		results:  []string{"Quyết định hưởng trợ cấp", "Giấy phép lao động", "Thông báo"},
		laws:     []string{"Bộ luật Lao động số 45/2019/QH14 ngày 20/11/2019", "Luật Việc làm số 38/2013/QH13 ngày 16/11/2013", "Nghị định số 152/2020/NĐ-CP ngày 30/12/2020 của Chính phủ quy định về người lao động nước ngoài làm việc tại Việt Nam"},
	},
	{
		name:     "Chứng thực",
		objects:  []string{"bản sao từ bản chính giấy tờ, văn bản", "chữ ký trong các giấy tờ, văn bản", "hợp đồng, giao dịch liên quan đến tài sản là động sản", "việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch", "văn bản thỏa thuận phân chia di sản"},
		agencies: map[string]string{levelCommune: "Ủy ban nhân dân cấp xã", levelDistrict: "Phòng Tư pháp", levelProvince: "Sở Tư pháp", levelCentral: "Bộ Tư pháp"},
		subjects: []string{"Cá nhân, tổ chức có yêu cầu", "Người yêu cầu chứng thực"},
		results:  []string{"Bản sao được chứng thực từ bản chính", "Giấy tờ, văn bản được chứng thực chữ ký"},
		laws:     []string{"Nghị định số 23/2015/NĐ-CP ngày 16/02/2015 của Chính phủ về cấp bản sao từ sổ gốc, chứng thực bản sao từ bản chính, chứng thực chữ ký và chứng thực hợp đồng, giao dịch", "Thông tư số 01/2020/TT-BTP ngày 03/3/2020 của Bộ Tư pháp", "Thông tư số 226/2016/TT-BTC ngày 11/11/2016 của Bộ Tài chính quy định mức thu lệ phí chứng thực"},
	},
	{
		name:     "Văn hóa, thể thao và du lịch",
		objects:  []string{"giấy phép tổ chức lễ hội", "giấy chứng nhận đủ điều kiện kinh doanh dịch vụ karaoke", "giấy phép kinh doanh dịch vụ lữ hành nội địa", "thẻ hướng dẫn viên du lịch", "công nhận gia đình văn hóa", "giấy phép triển lãm mỹ thuật"},
		agencies: map[string]string{levelCommune: "Ủy ban nhân dân cấp xã", levelDistrict: "Phòng Văn hóa - Xã hội", levelProvince: "Sở Văn hóa, Thể thao và Du lịch", levelCentral: "Bộ Văn hóa, Thể thao và Du lịch"},
		subjects: []string{"Tổ chức, cá nhân", "Doanh nghiệp kinh doanh dịch vụ", "Hộ gia đình"},
		results:  []string{"Giấy phép", "Giấy chứng nhận đủ điều kiện", "Thẻ hướng dẫn viên du lịch"},
		laws:     []string{"Luật Du lịch số 09/2017/QH14 ngày 19/6/2017", "Nghị định số 54/2019/NĐ-CP ngày 19/6/2019 của Chính phủ quy định về kinh doanh dịch vụ karaoke, dịch vụ vũ trường", "Nghị định số 110/2018/NĐ-CP ngày 29/8/2018 của Chính phủ quy định về quản lý và tổ chức lễ hội"},
	},
	{
		name:     "Thành lập và hoạt động doanh nghiệp",
		objects:  []string{"đăng ký thành lập hộ kinh doanh", "đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "đăng ký thành lập công ty trách nhiệm hữu hạn một thành viên", "đăng ký thành lập công ty cổ phần", "tạm ngừng kinh doanh", "giải thể doanh nghiệp", "đăng ký hoạt động chi nhánh, văn phòng đại diện"},
		agencies: map[string]string{levelCommune: "Ủy ban nhân dân cấp xã", levelDistrict: "Phòng Kinh tế", levelProvince: "Sở Tài chính", levelCentral: "Cục Phát triển doanh nghiệp tư nhân và kinh tế tập thể"},
		subjects: []string{"Cá nhân, thành viên hộ gia đình", "Tổ chức, cá nhân thành lập doanh nghiệp", "Doanh nghiệp"},
		results:  []string{"Giấy chứng nhận đăng ký hộ kinh doanh", "Giấy chứng nhận đăng ký doanh nghiệp", "Thông báo về việc tạm ngừng kinh doanh"},
		laws:     []string{"Luật Doanh nghiệp số 59/2020/QH14 ngày 17/6/2020", "Nghị định số 01/2021/NĐ-CP ngày 04/01/2021 của Chính phủ về đăng ký doanh nghiệp", "Thông tư số 68/2025/TT-BTC quy định biểu mẫu sử dụng trong đăng ký doanh nghiệp"},
	},
}

// verbs are how official names open, with the share of names that use each.
var verbs = []struct {
	prefix string
	weight int
}{
	{"Đăng ký", 14}, {"Cấp", 14}, {"Cấp lại", 10}, {"Cấp đổi", 7}, {"Cấp giấy phép", 6}, {"Thủ tục", 6},
	{"Gia hạn", 5}, {"Điều chỉnh", 5}, {"Thu hồi", 4}, {"Xác nhận", 4}, {"Công nhận", 3}, {"Thẩm định", 3},
	{"Chấp thuận", 2}, {"Cấp bổ sung", 2}, {"Đề nghị", 2},
}

var channelTimes = []string{"Ngay trong ngày làm việc", "03 ngày làm việc", "05 ngày làm việc", "07 ngày làm việc",
	"10 ngày làm việc", "15 ngày làm việc", "20 ngày", "30 ngày kể từ ngày nhận đủ hồ sơ hợp lệ"}

var feeTexts = []string{"Không", "Miễn lệ phí", "Lệ phí: 8.000 đồng/bản", "Lệ phí: 50.000 đồng/lần cấp", "Lệ phí: 100.000 đồng/giấy phép",
	"Phí thẩm định: 1.500.000 đồng/hồ sơ", "Lệ phí: 200.000 đồng; nộp trực tuyến giảm 50% (100.000 đồng)", "Không quy định"}

var docNames = []string{"Tờ khai theo mẫu", "Đơn đề nghị", "Bản sao Giấy chứng nhận đăng ký", "Bản chụp Căn cước công dân",
	"Giấy tờ chứng minh nơi cư trú", "Văn bản ủy quyền (nếu nộp thay)", "Bản vẽ thiết kế", "Báo cáo kết quả thực hiện",
	"Giấy chứng nhận sức khỏe do cơ sở y tế có thẩm quyền cấp", "Ảnh chân dung cỡ 3 cm x 4 cm", "Giấy tờ chứng minh đủ điều kiện",
	"Bản sao văn bằng, chứng chỉ chuyên môn", "Danh sách thành viên", "Phiếu lý lịch tư pháp"}

// Curated guides of the bundled knowledge base and the national codes the
// generated catalogue gives their procedures (made up but plausible), so a
// curated guide can name them in national_codes.
var CuratedCodes = []struct {
	GuideID, Code, Name, Field, Level string
}{
	{"dang-ky-khai-sinh", "1.001193", "Đăng ký khai sinh", "Hộ tịch", levelCommune},
	{"dang-ky-ket-hon", "1.000894", "Đăng ký kết hôn", "Hộ tịch", levelCommune},
	{"dang-ky-khai-tu", "1.000656", "Đăng ký khai tử", "Hộ tịch", levelCommune},
	{"xac-nhan-tinh-trang-hon-nhan", "1.004873", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", levelCommune},
	{"trich-luc-ho-tich", "2.000635", "Cấp bản sao Trích lục hộ tịch", "Hộ tịch", levelCommune},
	{"dang-ky-thuong-tru", "1.004222", "Đăng ký thường trú", "Cư trú", levelCommune},
	{"dang-ky-tam-tru", "1.004194", "Đăng ký tạm trú", "Cư trú", levelCommune},
	{"chung-thuc-ban-sao", "2.000815", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", "Chứng thực", levelCommune},
	{"ly-lich-tu-phap", "2.000488", "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú tại Việt Nam", "Lý lịch tư pháp", levelProvince},
	{"giay-phep-xay-dung", "1.009994", "Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ", "Xây dựng", levelCommune},
	{"dang-ky-ho-kinh-doanh", "2.000720", "Đăng ký thành lập hộ kinh doanh", "Thành lập và hoạt động doanh nghiệp", levelCommune},
	{"cap-doi-cap-lai-the-can-cuoc", "1.012345", "Cấp đổi, cấp lại thẻ căn cước", "Căn cước", levelProvince},
	{"cap-lai-giay-phep-lai-xe", "1.002804", "Cấp lại giấy phép lái xe", "Giao thông vận tải", levelProvince},
	{"tro-cap-that-nghiep", "1.001978", "Giải quyết hưởng trợ cấp thất nghiệp", "Việc làm", levelProvince},
}
