/// A binary min-heap under an order given to each call (so that elements can be numbers whose
/// order lives elsewhere): ``insert(_:by:)`` and ``popMin(by:)`` in O(log n), building in O(n).
/// Every call must be given the same order.
struct BinaryHeap<Element: Sendable>: Sendable {
    /// In heap order: no element is less than its parent (`(i - 1) / 2`).
    private(set) var elements: [Element] = []

    init() {}

    init(_ elements: [Element], by less: (Element, Element) -> Bool) {
        self.elements = elements
        heapify(by: less)
    }

    var count: Int { elements.count }

    mutating func insert(_ element: Element, by less: (Element, Element) -> Bool) {
        elements.append(element)
        siftUp(elements.count - 1, by: less)
    }

    /// Inserts many: one by one when they are few beside the heap, else by building it anew.
    mutating func insert(contentsOf new: [Element], by less: (Element, Element) -> Bool) {
        if new.count < elements.count / 8 {
            for element in new { insert(element, by: less) }
        } else {
            elements += new
            heapify(by: less)
        }
    }

    /// Removes and returns the least element, nil when empty.
    mutating func popMin(by less: (Element, Element) -> Bool) -> Element? {
        guard !elements.isEmpty else { return nil }
        elements.swapAt(0, elements.count - 1)
        let least = elements.removeLast()
        siftDown(0, by: less)
        return least
    }

    private mutating func heapify(by less: (Element, Element) -> Bool) {
        for index in stride(from: elements.count / 2 - 1, through: 0, by: -1) { siftDown(index, by: less) }
    }

    private mutating func siftUp(_ start: Int, by less: (Element, Element) -> Bool) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(elements[child], elements[parent]) else { return }
            elements.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int, by less: (Element, Element) -> Bool) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < elements.count else { return }
            let right = left + 1
            let least = right < elements.count && less(elements[right], elements[left]) ? right : left
            guard less(elements[least], elements[parent]) else { return }
            elements.swapAt(least, parent)
            parent = least
        }
    }
}
